import { DrydockError } from '../core/index.js';
import { redact } from './redact.js';

/** The GitHub REST calls the action makes, over plain fetch. GITHUB_API_URL decides where they go. */
export interface RepoRef {
  owner: string;
  repo: string;
}

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface IssueComment {
  id: number;
  body: string;
  user: string;
  userType: string;
}

export interface PullRequest {
  number: number;
  url: string;
}

export interface PullRequestDetail extends PullRequest {
  headRef: string;
  headSha: string;
  /** owner/name of the head's repository; null when that repository was deleted. */
  headRepository: string | null;
  baseRef: string;
  body: string;
  draft: boolean;
}

export interface ReviewComment {
  id: number;
  body: string;
  user: string;
  userType: string;
  path: string;
  line: number | null;
  diffHunk: string;
}

export function parseRepository(text: string | undefined): RepoRef {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(text ?? '');
  if (!m)
    throw new DrydockError(
      `GITHUB_REPOSITORY is "${text ?? ''}", not owner/name`,
      'run inside a GitHub Actions job, or pass --repository owner/name',
      'BAD_INPUT',
    );
  return { owner: m[1]!, repo: m[2]! };
}

export class GitHubClient {
  private readonly base: string;

  constructor(
    readonly repoRef: RepoRef,
    private readonly token: string,
    apiUrl = 'https://api.github.com',
    /** Strings no request may carry (the model API key): replaced before anything is sent. */
    private readonly secrets: string[] = [],
  ) {
    this.base = apiUrl.replace(/\/+$/, '');
    if (!token)
      throw new DrydockError(
        'no GitHub token: GITHUB_TOKEN is empty',
        'pass github-token: ${{ secrets.GITHUB_TOKEN }} (the default) and give the job permissions: contents: write, issues: write, pull-requests: write',
        'GITHUB_TOKEN_MISSING',
      );
  }

  private get repoPath(): string {
    return `/repos/${encodeURIComponent(this.repoRef.owner)}/${encodeURIComponent(this.repoRef.repo)}`;
  }

  async request<T>(method: string, path: string, body?: unknown, allow404 = false): Promise<T | null> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${this.token}`,
        'x-github-api-version': '2022-11-28',
        'user-agent': 'drydock-action',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : redact(JSON.stringify(body), this.secrets),
    });
    if (allow404 && res.status === 404) return null;
    const text = await res.text();
    if (!res.ok) throw apiError(method, path, res.status, text);
    return (text ? JSON.parse(text) : {}) as T;
  }

  async defaultBranch(): Promise<string> {
    const r = await this.request<{ default_branch: string }>('GET', this.repoPath);
    return r!.default_branch;
  }

  /** The user's permission; a user who is no collaborator (404) has `none`. */
  async permission(username: string): Promise<Permission> {
    const r = await this.request<{ permission: string; role_name?: string }>(
      'GET',
      `${this.repoPath}/collaborators/${encodeURIComponent(username)}/permission`,
      undefined,
      true,
    );
    if (!r) return 'none';
    // `permission` folds maintain into write and triage into read; role_name keeps them.
    const role = r.role_name ?? r.permission;
    return (
      ['admin', 'maintain', 'write', 'triage', 'read'].includes(role) ? role : r.permission
    ) as Permission;
  }

  async issueComments(issue: number): Promise<IssueComment[]> {
    const out: IssueComment[] = [];
    for (let page = 1; page <= 10; page++) {
      const rows = await this.request<
        { id: number; body?: string; user?: { login: string; type: string } }[]
      >('GET', `${this.repoPath}/issues/${issue}/comments?per_page=100&page=${page}`);
      for (const c of rows ?? [])
        out.push({ id: c.id, body: c.body ?? '', user: c.user?.login ?? '', userType: c.user?.type ?? '' });
      if (!rows || rows.length < 100) break;
    }
    return out;
  }

  async comment(issue: number, body: string): Promise<string> {
    const r = await this.request<{ html_url: string }>('POST', `${this.repoPath}/issues/${issue}/comments`, {
      body,
    });
    return r!.html_url;
  }

  async issue(n: number): Promise<{ number: number; title: string; body: string; author: string }> {
    const r = await this.request<{
      number: number;
      title: string;
      body?: string | null;
      user?: { login: string };
    }>('GET', `${this.repoPath}/issues/${n}`);
    return { number: r!.number, title: r!.title, body: r!.body ?? '', author: r!.user?.login ?? '' };
  }

  /** Creates a comment and returns its id, for a tracking comment edited as the run goes on. */
  async createComment(issue: number, body: string): Promise<{ id: number; url: string }> {
    const r = await this.request<{ id: number; html_url: string }>(
      'POST',
      `${this.repoPath}/issues/${issue}/comments`,
      { body },
    );
    return { id: r!.id, url: r!.html_url };
  }

  async updateComment(id: number, body: string): Promise<void> {
    await this.request('PATCH', `${this.repoPath}/issues/comments/${id}`, { body });
  }

  async pullRequest(n: number): Promise<PullRequestDetail> {
    const r = await this.request<{
      number: number;
      html_url: string;
      body?: string | null;
      draft?: boolean;
      head: { ref: string; sha: string; repo?: { full_name: string } | null };
      base: { ref: string };
    }>('GET', `${this.repoPath}/pulls/${n}`);
    return {
      number: r!.number,
      url: r!.html_url,
      headRef: r!.head.ref,
      headSha: r!.head.sha,
      headRepository: r!.head.repo?.full_name ?? null,
      baseRef: r!.base.ref,
      body: r!.body ?? '',
      draft: r!.draft === true,
    };
  }

  async reviewComments(pr: number): Promise<ReviewComment[]> {
    const out: ReviewComment[] = [];
    for (let page = 1; page <= 10; page++) {
      const rows = await this.request<
        {
          id: number;
          body?: string;
          user?: { login: string; type: string };
          path?: string;
          line?: number | null;
          diff_hunk?: string;
        }[]
      >('GET', `${this.repoPath}/pulls/${pr}/comments?per_page=100&page=${page}`);
      for (const c of rows ?? [])
        out.push({
          id: c.id,
          body: c.body ?? '',
          user: c.user?.login ?? '',
          userType: c.user?.type ?? '',
          path: c.path ?? '',
          line: c.line ?? null,
          diffHunk: c.diff_hunk ?? '',
        });
      if (!rows || rows.length < 100) break;
    }
    return out;
  }

  /** A reply in a review comment's thread. */
  async replyToReviewComment(pr: number, commentId: number, body: string): Promise<string> {
    const r = await this.request<{ html_url: string }>(
      'POST',
      `${this.repoPath}/pulls/${pr}/comments/${commentId}/replies`,
      { body },
    );
    return r!.html_url;
  }

  async createDraftPullRequest(p: {
    title: string;
    head: string;
    base: string;
    body: string;
  }): Promise<PullRequest> {
    const r = await this.request<{ number: number; html_url: string }>('POST', `${this.repoPath}/pulls`, {
      ...p,
      draft: true,
      maintainer_can_modify: true,
    });
    return { number: r!.number, url: r!.html_url };
  }

  /** An open pull request from `branch` (a re-run updates its branch instead of opening a second one). */
  async openPullRequestFor(branch: string): Promise<PullRequest | null> {
    const head = encodeURIComponent(`${this.repoRef.owner}:${branch}`);
    const rows = await this.request<{ number: number; html_url: string }[]>(
      'GET',
      `${this.repoPath}/pulls?state=open&head=${head}`,
    );
    const first = rows?.[0];
    return first ? { number: first.number, url: first.html_url } : null;
  }
}

/** Token and permission failures are where users of GitHub automation get lost; each says what to change. */
function apiError(method: string, path: string, status: number, text: string): DrydockError {
  let message = text.slice(0, 300);
  try {
    message = (JSON.parse(text) as { message?: string }).message ?? message;
  } catch {
    // not JSON: keep the text
  }
  const what = `GitHub API ${method} ${path.split('?')[0]} answered ${status}: ${message}`;
  if (status === 401)
    return new DrydockError(
      what,
      'the token was rejected: pass github-token: ${{ secrets.GITHUB_TOKEN }} or a valid personal access token',
      'GITHUB_TOKEN_REJECTED',
    );
  if (status === 403 && /not permitted to create or approve pull requests/i.test(message))
    return new DrydockError(
      what,
      'enable Settings → Actions → General → "Allow GitHub Actions to create and approve pull requests", or pass a token that may',
      'GITHUB_PERMISSION',
    );
  if (status === 403 || (status === 404 && method !== 'GET'))
    return new DrydockError(
      what,
      'give the job permissions: contents: write, issues: write, pull-requests: write (a token from a fork has read access only)',
      'GITHUB_PERMISSION',
    );
  return new DrydockError(what, undefined, 'GITHUB_API');
}
