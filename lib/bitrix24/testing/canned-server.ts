/**
 * A tiny local HTTP server for tests that replays canned answers (status, headers, body), including the ugly
 * ones: 302 with Location, HTML error pages, truncated JSON, connections that never answer.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: Record<string, unknown>;
}

export interface CannedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Never answer (the client's timeout must fire). */
  hang?: boolean;
  /** Send the headers and part of the body, then cut the connection. */
  cutAfterBytes?: number;
}

export type CannedHandler = (req: RecordedRequest, index: number) => CannedResponse | Promise<CannedResponse>;

export interface CannedServer {
  /** Base URL, e.g. "http://127.0.0.1:40123". */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts the server on an ephemeral port; `handler` decides each answer. */
export async function startCannedServer(handler: CannedHandler): Promise<CannedServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(body) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    const recorded: RecordedRequest = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, json };
    requests.push(recorded);
    const answer = await handler(recorded, requests.length - 1);
    if (answer.hang) return;
    const text =
      answer.body === undefined ? "" : typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
    const headers: Record<string, string> = {
      "content-type": typeof answer.body === "string" ? "text/html; charset=utf-8" : "application/json",
      ...answer.headers,
    };
    if (answer.cutAfterBytes !== undefined) {
      res.writeHead(answer.status ?? 200, { ...headers, "content-length": String(Buffer.byteLength(text)) });
      res.write(text.slice(0, answer.cutAfterBytes));
      setTimeout(() => res.socket?.destroy(), 5);
      return;
    }
    res.writeHead(answer.status ?? 200, headers);
    res.end(text);
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A handler that answers from a list in order, repeating the last entry. */
export function replay(responses: CannedResponse[]): CannedHandler {
  return (_req, index) => responses[Math.min(index, responses.length - 1)];
}
