/** The parts of Dredd 14's Node.js hooks API the suite uses (Dredd ships no types). */

export interface DreddRequest {
  method: string;
  uri: string;
  headers: Record<string, string>;
  body: string;
}

export interface DreddTransaction {
  name: string;
  /** `METHOD (status) path`, as Dredd prints each result. */
  id: string;
  /** Where the request goes; hooks may point it at another server. */
  host: string;
  port: string;
  protocol: string;
  /** Path and query actually requested (the server URL's own path included). */
  fullPath: string;
  request: DreddRequest;
  expected: { statusCode: string; headers: Record<string, string>; body?: string; bodySchema?: object };
  /** Dredd leaves `body` undefined when the answer has none. */
  real?: { statusCode: number; headers: Record<string, string>; body?: string };
  /** `resourceName` is the path template the transaction comes from. */
  origin: { resourceName: string; actionName: string; exampleName: string };
  skip: boolean;
  /** A message here fails the transaction (checked after the `before*` and after the `after*` hooks). */
  fail?: boolean | string;
  test?: { status?: string; valid?: boolean; message?: string };
}

type Done = () => void;

export interface DreddHooks {
  beforeAll(hook: (transactions: DreddTransaction[], done: Done) => void): void;
  beforeEach(hook: (transaction: DreddTransaction, done: Done) => void): void;
  afterEach(hook: (transaction: DreddTransaction, done: Done) => void): void;
  afterAll(hook: (transactions: DreddTransaction[], done: Done) => void): void;
}
