import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from './fake-github.js';

/** The fake is only worth its checks if they fail on requests GitHub would not accept. */
describe('fake GitHub checks requests against the OpenAPI description', () => {
  let gh: FakeGitHub;
  beforeAll(async () => {
    gh = await FakeGitHub.start({ token: 'tok' });
  });
  afterAll(() => gh.close());

  const send = (method: string, path: string, body?: unknown) =>
    fetch(`${gh.url}${path}`, {
      method,
      headers: {
        authorization: 'Bearer tok',
        accept: 'application/vnd.github+json',
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('accepts a valid create-comment and serves it', async () => {
    const before = gh.violations.length;
    const r = await send('POST', '/repos/Codertocat/Hello-World/issues/1/comments', { body: 'hi' });
    expect(r.status).toBe(201);
    expect(gh.violations.length).toBe(before);
    expect(gh.calls('issues/create-comment').at(-1)?.body).toEqual({ body: 'hi' });
  });

  it.each([
    [
      'a path GitHub does not have',
      'POST',
      '/repos/Codertocat/Hello-World/issues/1/remarks',
      { body: 'x' },
      /no operation/,
    ],
    [
      'a body missing a required property',
      'POST',
      '/repos/Codertocat/Hello-World/issues/1/comments',
      {},
      /required property body/,
    ],
    [
      'a property of the wrong type',
      'POST',
      '/repos/Codertocat/Hello-World/pulls',
      { head: 'a', base: 'main', title: 't', draft: 'yes' },
      /draft: expected boolean/,
    ],
    [
      'an unknown body property',
      'POST',
      '/repos/Codertocat/Hello-World/pulls',
      { head: 'a', base: 'main', title: 't', drafts: true },
      /drafts/,
    ],
    [
      'an unknown query parameter',
      'GET',
      '/repos/Codertocat/Hello-World/pulls?status=open',
      undefined,
      /query parameter status/,
    ],
    [
      'a query value outside its enum',
      'GET',
      '/repos/Codertocat/Hello-World/pulls?state=opened',
      undefined,
      /not one of/,
    ],
    [
      'a method the path does not take',
      'DELETE',
      '/repos/Codertocat/Hello-World/pulls',
      undefined,
      /no operation/,
    ],
  ])('rejects %s', async (_name, method, path, body, why) => {
    const before = gh.violations.length;
    const r = await send(method, path, body);
    expect(r.status).toBe(400);
    expect(gh.violations.slice(before).join('\n')).toMatch(why);
  });

  it('rejects a request without the token', async () => {
    const before = gh.violations.length;
    const r = await fetch(`${gh.url}/repos/Codertocat/Hello-World`, {
      headers: { accept: 'application/vnd.github+json' },
    });
    expect(r.status).toBe(400);
    expect(gh.violations.slice(before).join('\n')).toMatch(/authorization/);
  });
});
