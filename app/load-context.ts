declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The client's address as Express sees it (honours TRUST_PROXY). */
    clientIp?: string;
  }
}
export {};
