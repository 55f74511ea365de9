/**
 * patches/@remix-run+node: a request body's web stream takes its listeners off node's request and
 * lets go of it once the body has ended or failed (far less of each request then survives V8's
 * young-generation collections: the patch says how much), and still reads, fails and cancels as
 * before.
 */
import { Readable } from "node:stream";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { describe, expect, it } from "vitest";

async function readAll(stream: ReadableStream<Uint8Array>) {
  return new Response(stream).text();
}

describe("a request body's web stream", () => {
  it("reads the whole body, then takes its listeners off node's stream", async () => {
    const node = Readable.from([Buffer.from("choice=1&"), Buffer.from("choice=2")], {
      objectMode: false,
    });
    const body = createReadableStreamFromReadable(node);
    expect(node.listenerCount("data")).toBe(1);
    expect(await readAll(body)).toBe("choice=1&choice=2");
    for (const event of ["data", "end", "close", "error"])
      expect(node.listenerCount(event)).toBe(0);
  });

  it("fails when node's stream fails, and lets go of it", async () => {
    const node = new Readable({ read() {} });
    const body = createReadableStreamFromReadable(node);
    const reading = readAll(body);
    node.push("part");
    node.destroy(new Error("connection reset"));
    await expect(reading).rejects.toThrow("connection reset");
    expect(node.listenerCount("data")).toBe(0);
    expect(node.listenerCount("end")).toBe(0);
  });

  it("destroys node's stream when cancelled before the end", async () => {
    const node = new Readable({ read() {} });
    const body = createReadableStreamFromReadable(node);
    node.push("part");
    await body.cancel();
    expect(node.destroyed).toBe(true);
  });

  it("cancelled after the end, does nothing more", async () => {
    const node = Readable.from([Buffer.from("a=1")], { objectMode: false });
    const body = createReadableStreamFromReadable(node);
    const reader = body.getReader();
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
    expect(text).toBe("a=1");
    await expect(reader.cancel()).resolves.toBeUndefined();
  });
});
