/**
 * The repository goes into a sandbox without the credentials a checkout may carry in
 * `.git/config` (the sandbox holds no secrets: DESIGN.md). CI checkouts keep them there:
 * actions/checkout writes `http.https://github.com/.extraheader = AUTHORIZATION: basic …`, others
 * clone `https://x-access-token:TOKEN@github.com/o/r` (the remote's URL), rewrite URLs through
 * `[url "https://TOKEN@github.com/"] insteadOf = …`, or set a `credential.helper` that prints one.
 * A command in the sandbox could print any of them (`git remote -v`, `git config --list`,
 * `cat .git/config`); the host's checkout keeps its file unchanged, and drydock's pull requests
 * are made from the host, not the sandbox.
 *
 * Read line by line as git's config syntax is (sections `[name]`, `[name "sub"]`, `[name.sub]`, a
 * key on the header's line, `\` continuations, `#`/`;` comments):
 * - every key of `credential` sections, and `http.*.extraheader`, is left out;
 * - a `url` section whose name carries a user (`[url "https://TOKEN@host/"]`) is left out whole;
 * - in any value, the user and password of an http(s)/ftp(s) URL are taken out
 *   (`https://user:TOKEN@host/x` → `https://host/x`), and of any other scheme's URL when it
 *   has a password (`ssh://git@host/x`, a user name only, stays).
 */

/** `scheme://userinfo@`: the userinfo holds no `/`, `@`, blank or quote. */
const URL_USER = /([A-Za-z][A-Za-z0-9+.-]{0,30}):\/\/([^/@\s"'\\]{1,2000})@/g;

/** The text of a value with the credentials of its URLs taken out. */
function scrubValue(text: string): string {
  return text.replace(URL_USER, (whole: string, scheme: string, user: string) =>
    /^(?:https?|ftps?)$/i.test(scheme) || user.includes(':') ? `${scheme}://` : whole,
  );
}

/** `.git/config`'s text without the credentials it may carry (see the top of this file). */
export function scrubGitConfig(text: string): string {
  const out: string[] = [];
  let section = '';
  let dropSection = false;
  let dropKey = false;
  for (const line of text.split('\n')) {
    // A continuation line belongs to the key before it.
    const continued: boolean = dropKey;
    dropKey = false;
    let rest = line;
    if (!continued) {
      const header = /^\s*\[([^\]]*)\](.*)$/.exec(line);
      if (header) {
        const name = header[1]!.trim();
        const dot = /^([A-Za-z0-9-]+)(?:\s+"(.*)"|\.(.*))?$/.exec(name);
        section = (dot?.[1] ?? name).toLowerCase();
        const sub = dot?.[2] ?? dot?.[3] ?? '';
        dropSection = section === 'credential' || (section === 'url' && scrubValue(sub) !== sub);
        rest = header[2]!;
        if (dropSection) continue;
        if (!rest.trim()) {
          out.push(line);
          continue;
        }
        out.push(`[${name}]`);
      }
    }
    const key = /^\s*([A-Za-z][A-Za-z0-9-]*)/.exec(rest)?.[1]?.toLowerCase();
    const drops = dropSection || (section === 'http' && key === 'extraheader');
    // (a value ending in `\` goes on the next line)
    if (/\\\s*$/.test(rest) && !/^\s*[#;]/.test(rest)) dropKey = drops || continued;
    if (drops || continued) continue;
    out.push(rest === line ? scrubValue(line) : scrubValue(rest));
  }
  return out.join('\n');
}
