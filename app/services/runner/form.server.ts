/**
 * The form adapter: a Remix action's posted form becomes one command call. The command's own
 * schema parses what was typed (with any URL parameters laid over it, so a form cannot name
 * another id than its address); a refusal, whether the schema's or the command's, comes back as
 * the form's answer with what was typed kept, in the reader's language. Nothing else in a route
 * catches service errors.
 */
import type { z } from "zod";
import type { Action, Actor } from "~/domain/permissions/policy";
import { fieldErrors, type FormObject } from "~/domain/validation";
import { refusalFrom, refuseForm } from "~/utils/forms.server";
import { run, type Command, type RunOptions } from "./command.server";

export interface SubmitOptions extends RunOptions {
  /** Values from the URL (ids); they win over form fields of the same name. */
  params?: Record<string, unknown>;
  /** Fields never sent back to the browser (passwords). */
  omit?: readonly string[];
}

/** Parses the form with the command's schema: the typed input, or the form's refusal. */
export function parseInput<S extends z.ZodTypeAny>(
  schema: S,
  form: FormObject,
  opts: Pick<SubmitOptions, "params" | "omit"> = {},
): { ok: true; input: z.output<S> } | { ok: false; response: Response } {
  const parsed = schema.safeParse({ ...form, ...opts.params });
  if (parsed.success) return { ok: true, input: parsed.data as z.output<S> };
  return { ok: false, response: refuseForm(400, fieldErrors(parsed.error), form, opts.omit) };
}

/**
 * Runs a command from a posted form. `done` turns the result into the answer (usually a redirect
 * back to the page with `?done=…`); every refusal becomes the form's 4xx answer.
 */
export function submit<S extends z.ZodTypeAny, L, R, A extends Action, P>(
  cmd: Command<S, L, R, A, P>,
  actor: Actor,
  form: FormObject,
  done: (result: R, input: z.output<S>) => Response | Promise<Response>,
  opts: SubmitOptions = {},
): Promise<Response> {
  // Parsed, run and answered as a read is, only the read is the command.
  return lookup(cmd.input, (input, a) => run(cmd, a, input, opts), done).submit(actor, form, opts);
}

/** One of a page's forms: the command it sends, and the answer once the command has run. */
export interface Intent {
  submit(actor: Actor, form: FormObject, opts: SubmitOptions): Promise<Response>;
}

export function intent<S extends z.ZodTypeAny, L, R, A extends Action, P>(
  cmd: Command<S, L, R, A, P>,
  done: (result: R, input: z.output<S>) => Response | Promise<Response>,
): Intent {
  return { submit: (actor, form, opts) => submit(cmd, actor, form, done, opts) };
}

/** A page with several forms tells them apart by the `intent` field; an unknown one is refused. */
export function submitIntent(
  intents: Record<string, Intent>,
  actor: Actor,
  form: FormObject,
  opts: SubmitOptions = {},
): Promise<Response> {
  const name = typeof form.intent === "string" ? form.intent : "";
  const chosen = Object.prototype.hasOwnProperty.call(intents, name) ? intents[name] : undefined;
  if (!chosen) return Promise.resolve(refuseForm(400, { _form: { key: "errors.badForm" } }, form));
  return chosen.submit(actor, form, opts);
}

/**
 * One of a page's forms that only reads (looking a receipt up in published ballots): no command,
 * since nothing is written, but its input is parsed with its schema as a command's is, and a
 * refusal from the read (not found, not yet published) comes back as the form's answer.
 */
export function lookup<S extends z.ZodTypeAny, R>(
  schema: S,
  read: (input: z.output<S>, actor: Actor) => Promise<R>,
  done: (result: R, input: z.output<S>) => Response | Promise<Response>,
): Intent {
  return {
    submit: async (actor, form, opts) => {
      const parsed = parseInput(schema, form, opts);
      if (!parsed.ok) return parsed.response;
      let result: R;
      try {
        result = await read(parsed.input, actor);
      } catch (e) {
        return refusalFrom(e, form, opts.omit);
      }
      return done(result, parsed.input);
    },
  };
}
