import { describe, it } from 'vitest';
import { probeEngine } from './probe-engine.js';

/**
 * A Go-style data source name in an environment value (`user:pw@tcp(host:port)/db?params`, the
 * MySQL driver's and GORM's): the `/db` after the address is the database, as a URL's path after
 * its host is, not a file outside the workspace. Before, `GORM_DSN="gorm:gorm@tcp(localhost:9910)/gorm?…"`
 * (GORM's own CI, helper benign34's open false positive) asked as a path outside.
 */
const { expectAll } = probeEngine();

describe('a DSN in an environment value', () => {
  it('allows the database name after the address', () => {
    expectAll(
      [
        'GORM_DSN="gorm:gorm@tcp(localhost:9910)/gorm?charset=utf8&parseTime=True&loc=Local" go test ./...',
        'DSN="root:secret@tcp(127.0.0.1:3306)/test" go test -race ./...',
        'MYSQL_TEST_DSN="tcp(localhost:3306)/db?parseTime=true" go test',
        'export DATABASE_DSN="user:pw@tcp(db:3306)/app"',
      ],
      'allow',
    );
  });

  it('still refuses paths outside in such values, and values that only look like one', () => {
    expectAll(
      [
        // the socket path inside the parentheses is a path outside
        'DSN="root@unix(/var/run/mysqld/mysqld.sock)/test" go test',
        // a path after a blank, or with no address before the parenthesis
        'X="foo@bar(baz) /root/x" make',
        'X="(b)/etc/passwd" make',
        'X="user@tcp(h)/db:/root/x" make',
        'X="user@tcp(h)/db,/etc/cron.d/x" make',
        'CHROME_BIN=/srv/x npm test',
      ],
      'refused',
    );
  });
});
