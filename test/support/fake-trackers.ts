import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A planned failure: the next matching request answers `status`, before or after it took effect. */
interface Failure {
  method: string;
  path: RegExp;
  status: number;
  /** The request takes effect, then the answer is an error: the caller cannot know it worked. */
  afterEffect: boolean;
}

type Handler = (req: IncomingMessage, url: URL, body: any) => { status: number; body: unknown } | undefined;

/** The shared HTTP part of the fake trackers: JSON in and out, every request recorded, failures on demand. */
abstract class FakeHttp {
  readonly requests: Array<{ method: string; path: string; authorization?: string }> = [];
  private failures: Failure[] = [];
  private server?: Server;
  url = '';

  /** The next `times` requests of `method` on a path matching `path` answer `status`. */
  fail(method: string, path: RegExp, status: number, opts: { afterEffect?: boolean; times?: number } = {}): void {
    for (let i = 0; i < (opts.times ?? 1); i++)
      this.failures.push({ method, path, status, afterEffect: opts.afterEffect ?? false });
  }

  protected abstract route: Handler;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const c of req) raw += c;
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ method: req.method ?? '', path: url.pathname, authorization: req.headers.authorization });
    const i = this.failures.findIndex((f) => f.method === req.method && f.path.test(url.pathname));
    const failure = i >= 0 ? this.failures.splice(i, 1)[0] : undefined;
    const reply = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (failure && !failure.afterEffect) return void reply(failure.status, { message: 'Bad Gateway' });
    const answer = this.route(req, url, raw ? JSON.parse(raw) : undefined) ?? {
      status: 404,
      body: { message: 'Not Found' },
    };
    if (failure) return void reply(failure.status, { message: 'Bad Gateway' });
    reply(answer.status, answer.body);
  }
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed';
  state_reason: string | null;
  html_url: string;
  created_at: string;
  updated_at: string;
  user: { id: number; login: string };
  comments: Array<{
    id: number;
    body: string;
    created_at: string;
    updated_at: string;
    user: { id: number; login: string };
  }>;
}

/** GitHub's REST API for one repository's issues, as @octokit/rest calls it (GITHUB_API_URL points here). */
export class FakeGitHub extends FakeHttp {
  readonly issues: FakeIssue[] = [];
  private commentSeq = 1000;

  constructor(readonly repository = 'acme/app') {
    super();
  }

  /** An issue as if someone opened it on GitHub. */
  open(fields: { title: string; body?: string; labels?: string[]; user?: { id: number; login: string } }): FakeIssue {
    const now = new Date().toISOString();
    const number = this.issues.length + 1;
    const issue: FakeIssue = {
      number,
      title: fields.title,
      body: fields.body ?? '',
      labels: fields.labels ?? [],
      state: 'open',
      state_reason: null,
      html_url: `https://github.com/${this.repository}/issues/${number}`,
      created_at: now,
      updated_at: now,
      user: fields.user ?? { id: 9001, login: 'deskbell-bot' },
      comments: [],
    };
    this.issues.push(issue);
    return issue;
  }

  protected route: Handler = (req, url, body) => {
    const base = `/repos/${this.repository}/issues`;
    const path = url.pathname;
    const asJson = (i: FakeIssue) => ({
      ...i,
      labels: i.labels.map((name) => ({ name })),
      comments: i.comments.length,
    });
    if (path === base && req.method === 'POST')
      return { status: 201, body: asJson(this.open({ title: body.title, body: body.body, labels: body.labels })) };
    if (path === base && req.method === 'GET') {
      const since = url.searchParams.get('since');
      const list = this.issues.filter((i) => !since || i.updated_at >= since).reverse();
      return { status: 200, body: list.map(asJson) };
    }
    const m = new RegExp(`^${base}/(\\d+)(/comments)?$`).exec(path);
    const issue = m ? this.issues.find((i) => i.number === Number(m[1])) : undefined;
    if (!issue) return undefined;
    if (m![2] && req.method === 'POST') {
      const now = new Date().toISOString();
      const comment = {
        id: ++this.commentSeq,
        body: body.body,
        created_at: now,
        updated_at: now,
        user: { id: 9001, login: 'deskbell-bot' },
      };
      issue.comments.push(comment);
      return { status: 201, body: comment };
    }
    if (m![2]) return { status: 200, body: issue.comments };
    if (req.method === 'PATCH') {
      Object.assign(issue, {
        state: body.state ?? issue.state,
        state_reason: body.state_reason ?? issue.state_reason,
        updated_at: new Date().toISOString(),
      });
      return { status: 200, body: asJson(issue) };
    }
    return { status: 200, body: asJson(issue) };
  };
}

export interface FakeJiraIssue {
  key: string;
  fields: {
    summary: string;
    description: any;
    labels: string[];
    issuetype: { name: string };
    project: { key: string };
    status: { name: string; statusCategory: { key: string } };
    created: string;
  };
  comments: Array<{ id: string; body: any; properties: Array<{ key: string; value: unknown }> }>;
}

/** Jira Cloud's REST API v3 as jira.js calls it (JIRA_BASE_URL points here). */
export class FakeJira extends FakeHttp {
  readonly issues: FakeJiraIssue[] = [];

  protected route: Handler = (req, url, body) => {
    const path = url.pathname;
    if (path === '/rest/api/3/issue' && req.method === 'POST') {
      const key = `${body.fields.project.key}-${this.issues.length + 1}`;
      this.issues.push({
        key,
        fields: {
          ...body.fields,
          status: { name: 'To Do', statusCategory: { key: 'new' } },
          created: new Date().toISOString(),
        },
        comments: [],
      });
      return {
        status: 201,
        body: { id: String(10000 + this.issues.length), key, self: `${this.url}/rest/api/3/issue/${key}` },
      };
    }
    if (path === '/rest/api/3/search/jql') {
      const label = /labels = "([^"]+)"/.exec(url.searchParams.get('jql') ?? '')?.[1];
      return {
        status: 200,
        body: {
          issues: this.issues
            .filter((i) => i.fields.labels?.includes(label ?? ''))
            .map(({ key, fields }) => ({ key, fields })),
        },
      };
    }
    const m = /^\/rest\/api\/3\/issue\/([A-Z0-9_]+-\d+)(\/comment)?$/.exec(path);
    const issue = m ? this.issues.find((i) => i.key === m[1]) : undefined;
    if (!issue) return undefined;
    if (m![2] && req.method === 'POST') {
      const comment = { id: String(20000 + issue.comments.length), body: body.body, properties: body.properties ?? [] };
      issue.comments.push(comment);
      return { status: 201, body: comment };
    }
    if (m![2]) return { status: 200, body: { comments: issue.comments, total: issue.comments.length } };
    return { status: 200, body: { key: issue.key, fields: issue.fields } };
  };
}
