/**
 * camelCase in TypeScript, snake_case in the database, without copying every query.
 *
 * Kysely's CamelCasePlugin renames identifiers by running an OperationNodeTransformer over each
 * query: a deep copy of the whole tree before the compiler walks it again. Profiled on the
 * community page (13 queries), that copy was about a third of Kysely's time, and Kysely a fifth
 * of the page's loader (README, Benchmarks). Here the plugin only marks the query, and the
 * compiler writes each identifier snake_cased as it emits it: the same names (the plugin's own
 * mapper, memoised), one walk instead of two. Result rows are still mapped back to camelCase by
 * the plugin.
 *
 * The mark keeps `db.withoutPlugins()` meaning what it says: a query built without the plugin is
 * compiled with its names as written (db/copy.ts and the backup tests rely on that). The plugin
 * must come last in the list: a plugin after it that copies the root node would drop the mark.
 */
import {
  CamelCasePlugin,
  type DefaultQueryCompiler,
  type Dialect,
  type IdentifierNode,
  type PluginTransformQueryArgs,
  type QueryCompiler,
  type QueryId,
  type RootOperationNode,
} from "kysely";

const SNAKE = Symbol("liuhe.snakeCaseNames");

/** CamelCasePlugin whose query half marks the root node instead of rewriting the tree. */
export class CamelCaseNames extends CamelCasePlugin {
  /** The plugin's own camelCase → snake_case mapping (memoised by Kysely). */
  readonly toSnake = (name: string): string => this.snakeCase(name);

  override transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return Object.assign({ [SNAKE]: true }, args.node);
  }
}

// A mixin's base must be constructible with any arguments (TypeScript's rule for mixins).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CompilerClass = new (...args: any[]) => DefaultQueryCompiler;

/**
 * A dialect's query compiler that snake_cases the identifiers of queries marked by
 * CamelCaseNames. Compilation is synchronous, so one flag per compiler instance is enough.
 */
export function snakeCasing<C extends CompilerClass>(Base: C, names: CamelCaseNames) {
  class SnakeCasing extends Base {
    #snake = false;

    override compileQuery(node: RootOperationNode, queryId: QueryId) {
      this.#snake = SNAKE in node;
      try {
        return super.compileQuery(node, queryId);
      } finally {
        this.#snake = false;
      }
    }

    protected override compileUnwrappedIdentifier(node: IdentifierNode): void {
      super.compileUnwrappedIdentifier(
        this.#snake ? { ...node, name: names.toSnake(node.name) } : node,
      );
    }
  }
  return SnakeCasing;
}

/** A dialect whose queries compile with `Compiler` (the engine's own, made snake-casing above). */
export function withCompiler(dialect: Dialect, Compiler: new () => QueryCompiler): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => dialect.createDriver(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => new Compiler(),
  };
}
