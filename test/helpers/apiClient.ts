// A minimal API v2 client for tests that drive a real `plainrun serve` over HTTP with a key.
export class ApiClient {
  constructor(
    readonly url: string,
    readonly key: string,
  ) {}

  /** One call; any status of 300 or more throws with the answer's body. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/api/v2${path}`, {
      method,
      headers: {
        "x-api-key": this.key,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async publish(name: string, source: string): Promise<void> {
    await this.call("POST", "/processes", { name, source });
    await this.call("POST", `/processes/${name}/publish`);
  }

  /** Starts a run of the published version; its id. */
  async start(process: string, inputs?: Record<string, unknown>): Promise<string> {
    return (await this.call<{ id: string }>("POST", "/runs", { process, inputs })).id;
  }
}
