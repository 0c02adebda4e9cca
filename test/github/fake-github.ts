import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkRequest } from './openapi.js';

/**
 * A fake of GitHub's REST API on loopback. Every request is checked against the OpenAPI
 * description; one that matches no operation, or breaks its schema, is answered 400 and
 * recorded in `violations` (the tests fail on any). It serves the few operations the action uses.
 */

export interface RecordedRequest {
  method: string;
  url: string;
  operationId: string | null;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface FakeState {
  owner: string;
  repo: string;
  defaultBranch: string;
  /** login → permission ('admin' | 'write' | 'read' | ...); missing = not a collaborator (404). */
  permissions: Record<string, string>;
  comments: Record<number, { id: number; body: string; user: { login: string; type: string } }[]>;
  pulls: {
    number: number;
    title: string;
    head: string;
    base: string;
    body: string;
    draft: boolean;
    html_url: string;
    /** owner/name of the head's repository (default: this repository). */
    headRepo?: string;
  }[];
  /** Issues served by issues/get (the follow-up reads the original issue). */
  issues: Record<number, { title: string; body: string; user: string }>;
  /** Review comments per pull request (pulls/list-review-comments); replies are added here. */
  reviewComments: Record<
    number,
    {
      id: number;
      body: string;
      user: { login: string; type: string };
      path: string;
      line: number | null;
      diff_hunk: string;
      in_reply_to_id?: number;
    }[]
  >;
  /** Every edit of an issue comment, in order: its id and the new body. */
  commentEdits: { id: number; body: string }[];
  /** Answer create-pull-request with this status and message (e.g. 403, the Actions setting). */
  failCreatePull?: { status: number; message: string };
  /** Answer every request 401 Bad credentials, as GitHub does for an expired or wrong token. */
  badCredentials?: boolean;
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly state: FakeState;
  private constructor(
    private readonly server: Server,
    readonly url: string,
    state: FakeState,
    readonly token: string,
  ) {
    this.state = state;
  }

  static async start(init: Partial<FakeState> & { token: string }): Promise<FakeGitHub> {
    const state: FakeState = {
      owner: 'Codertocat',
      repo: 'Hello-World',
      defaultBranch: 'main',
      permissions: {},
      comments: {},
      pulls: [],
      issues: {},
      reviewComments: {},
      commentEdits: [],
      ...init,
    };
    const ref: { fake?: FakeGitHub } = {};
    const server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const { status, json } = ref.fake!.handle(req, body);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    ref.fake = new FakeGitHub(server, `http://127.0.0.1:${port}`, state, init.token);
    return ref.fake;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  /** The bodies of the comments on issue (or pull request) `n` as they read now, edits included. */
  commentBodies(n: number): string[] {
    return (this.state.comments[n] ?? []).map((c) => c.body);
  }

  /** Requests for one operation, bodies parsed. */
  calls(operationId: string): { url: string; body: Record<string, unknown> }[] {
    return this.requests
      .filter((r) => r.operationId === operationId)
      .map((r) => ({ url: r.url, body: r.body ? (JSON.parse(r.body) as Record<string, unknown>) : {} }));
  }

  private handle(req: IncomingMessage, raw: string): { status: number; json: unknown } {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const match = checkRequest(method, url, body, raw !== '');
    this.requests.push({
      method,
      url: url.pathname + url.search,
      operationId: match?.operationId ?? null,
      headers: req.headers,
      body: raw,
    });
    const problems: string[] = [];
    if (!match) problems.push(`${method} ${url.pathname}: no operation in GitHub's OpenAPI description`);
    else problems.push(...match.errors.map((e) => `${match.operationId}: ${e}`));
    if (req.headers.authorization !== `Bearer ${this.token}`)
      problems.push(`${method} ${url.pathname}: no valid authorization`);
    if (req.headers.accept !== 'application/vnd.github+json')
      problems.push(`${method} ${url.pathname}: accept is not application/vnd.github+json`);
    if (this.state.badCredentials && !problems.length)
      return { status: 401, json: { message: 'Bad credentials' } };
    if (problems.length) {
      this.violations.push(...problems);
      return { status: 400, json: { message: problems.join('; ') } };
    }
    const p = url.pathname.split('/').map(decodeURIComponent);
    const s = this.state;
    if (p[2] !== s.owner || p[3] !== s.repo) return { status: 404, json: { message: 'Not Found' } };
    const b = (body ?? {}) as Record<string, unknown>;
    switch (match!.operationId) {
      case 'repos/get':
        return {
          status: 200,
          json: { id: 1, name: s.repo, full_name: `${s.owner}/${s.repo}`, default_branch: s.defaultBranch },
        };
      case 'repos/get-collaborator-permission-level': {
        const perm = s.permissions[p[5]!];
        if (!perm) return { status: 404, json: { message: 'Not Found' } };
        const folded = perm === 'maintain' ? 'write' : perm === 'triage' ? 'read' : perm;
        return { status: 200, json: { permission: folded, role_name: perm, user: { login: p[5] } } };
      }
      case 'issues/list-comments': {
        const n = Number(p[5]);
        const per = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        return { status: 200, json: (s.comments[n] ?? []).slice((page - 1) * per, page * per) };
      }
      case 'issues/create-comment': {
        const n = Number(p[5]);
        const list = (s.comments[n] ??= []);
        // Unique across issues, as GitHub's are.
        const id = 1000 + Object.values(s.comments).reduce((k, l) => k + l.length, 0);
        list.push({ id, body: String(b.body), user: { login: 'github-actions[bot]', type: 'Bot' } });
        return {
          status: 201,
          json: {
            id,
            body: b.body,
            html_url: `https://github.com/${s.owner}/${s.repo}/issues/${n}#issuecomment-${id}`,
          },
        };
      }
      case 'issues/update-comment': {
        const id = Number(p[6]);
        for (const list of Object.values(s.comments)) {
          const c = list.find((x) => x.id === id);
          if (c) {
            c.body = String(b.body);
            s.commentEdits.push({ id, body: c.body });
            return { status: 200, json: { id, body: c.body } };
          }
        }
        return { status: 404, json: { message: 'Not Found' } };
      }
      case 'issues/get': {
        const n = Number(p[5]);
        const issue = s.issues[n];
        if (!issue) return { status: 404, json: { message: 'Not Found' } };
        return {
          status: 200,
          json: {
            number: n,
            title: issue.title,
            body: issue.body,
            user: { login: issue.user, type: 'User' },
          },
        };
      }
      case 'pulls/get': {
        const n = Number(p[5]);
        const pr = s.pulls.find((x) => x.number === n);
        if (!pr) return { status: 404, json: { message: 'Not Found' } };
        return {
          status: 200,
          json: {
            number: pr.number,
            html_url: pr.html_url,
            body: pr.body,
            draft: pr.draft,
            head: {
              ref: pr.head,
              sha: '0'.repeat(40),
              repo: { full_name: pr.headRepo ?? `${s.owner}/${s.repo}` },
            },
            base: { ref: pr.base },
          },
        };
      }
      case 'pulls/list-review-comments': {
        const n = Number(p[5]);
        return { status: 200, json: s.reviewComments[n] ?? [] };
      }
      case 'pulls/create-reply-for-review-comment': {
        const n = Number(p[5]);
        const list = (s.reviewComments[n] ??= []);
        const parent = list.find((c) => c.id === Number(p[7]));
        if (!parent) return { status: 404, json: { message: 'Not Found' } };
        const id = 5000 + list.length;
        list.push({
          id,
          body: String(b.body),
          user: { login: 'github-actions[bot]', type: 'Bot' },
          path: parent.path,
          line: parent.line,
          diff_hunk: parent.diff_hunk,
          in_reply_to_id: parent.id,
        });
        return {
          status: 201,
          json: {
            id,
            body: b.body,
            html_url: `https://github.com/${s.owner}/${s.repo}/pull/${n}#discussion_r${id}`,
          },
        };
      }
      case 'pulls/list': {
        const head = url.searchParams.get('head');
        return {
          status: 200,
          json: s.pulls
            .filter((pr) => !head || `${s.owner}:${pr.head}` === head)
            .map((pr) => ({ number: pr.number, html_url: pr.html_url })),
        };
      }
      case 'pulls/create': {
        if (s.failCreatePull)
          return { status: s.failCreatePull.status, json: { message: s.failCreatePull.message } };
        const number = 100 + s.pulls.length;
        const pr = {
          number,
          title: String(b.title),
          head: String(b.head),
          base: String(b.base),
          body: String(b.body ?? ''),
          draft: b.draft === true,
          html_url: `https://github.com/${s.owner}/${s.repo}/pull/${number}`,
        };
        s.pulls.push(pr);
        return { status: 201, json: { number, html_url: pr.html_url, draft: pr.draft } };
      }
      default:
        this.violations.push(`${match!.operationId}: a valid operation the fake does not serve`);
        return { status: 501, json: { message: 'not served by the fake' } };
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => resolve(data));
  });
}
