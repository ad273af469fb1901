/**
 * npm run token -- --user <id> [--admin] [--expires 1h]
 *
 * Mints a bearer token signed with AUTH_JWT_SECRET (the development secret unless set), with the configured issuer
 * and audience: `sub` = the user id, `scope: "admin"` with --admin. The token alone goes to stdout, so
 *   TOKEN=$(npm run -s token -- --user aaaa1111-1111-1111-1111-111111111111)
 *   curl -H "authorization: Bearer $TOKEN" …
 * works; what it is goes to stderr.
 */
import { Command, InvalidArgumentError } from 'commander';
import { mintToken } from '../auth/jwt';
import { normalizeUserId } from '../auth/policy';
import { ConfigError, loadConfig } from '../config';
import { say } from './run';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** jose's time spans: a number and a unit, e.g. 90s, 30m, 1h, 7d, 2w. */
const SPAN_RE =
  /^\d+ ?(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)$/i;

function userId(value: string): string {
  const id = normalizeUserId(value);
  if (!UUID_RE.test(id)) throw new InvalidArgumentError('must be a user id (a UUID)');
  return id;
}

function span(value: string): string {
  if (!SPAN_RE.test(value.trim())) throw new InvalidArgumentError('must be a time span such as 30m, 1h, 7d');
  return value.trim();
}

new Command('token')
  .description('Mint a development bearer token (HS256 with AUTH_JWT_SECRET) for a user')
  .requiredOption('--user <id>', "the token's subject: the user id (a UUID)", userId)
  .option('--admin', 'add the admin scope (catalog administration, any user)')
  .option('--expires <span>', 'lifetime, e.g. 30m, 1h, 7d', span, '1h')
  .action(async (opts: { user: string; admin?: boolean; expires: string }) => {
    let config;
    try {
      config = loadConfig();
    } catch (err) {
      if (err instanceof ConfigError) {
        say(err.message);
        process.exit(1);
      }
      throw err;
    }
    if (!config.auth.jwtSecret) {
      say(
        'error: AUTH_JWKS_URL is set: tokens come from your identity provider, this command cannot sign them.',
      );
      say('fix: unset AUTH_JWKS_URL (and set AUTH_JWT_SECRET) to mint tokens locally.');
      process.exit(1);
    }
    const token = await mintToken(config.auth, {
      userId: opts.user,
      admin: opts.admin,
      expiresIn: opts.expires,
    });
    if (config.auth.developmentSecret)
      say('signed with the development secret (accepted only outside production)');
    say(
      `token for user ${opts.user}${opts.admin ? ' with the admin scope' : ''}, expires in ${opts.expires} ` +
        `(iss ${config.auth.issuer}, aud ${config.auth.audience}); send it as: Authorization: Bearer <token>`,
    );
    process.stdout.write(`${token}\n`);
  })
  .parseAsync()
  .catch((err) => {
    say(`error: ${(err as Error).message}`);
    process.exit(1);
  });
