// PostGraphile 5 (the peer) over the bench database, tenant isolation by row-level security:
// it connects as the owner and, per request, verifies the same RS256 bearer token the service
// gets and sets `role = casework_app` and `app.tenant_id` (pgSettings), so the forced RLS
// policies of the migrations confine every query to the token's jobcenter — or, for a partner's
// token, `app.partner_organisation_id`, so the partner paths of RLS confine it to the partner's
// referrals and what hangs off them (W2). Consent scopes are not RLS: PostGraphile cannot mask
// a field by consent, so its W2 answer carries every client column the service withholds.
// Run by bench/peer.py from bench/.peer/ (npm-installed there, never committed).
import { createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const key = createPublicKey(readFileSync(process.env.BENCH_PUBLIC_KEY));
const tenants = JSON.parse(process.env.BENCH_TENANTS); // slug -> id
const organisations = JSON.parse(process.env.BENCH_ORGANISATIONS); // slug -> id

function claims(authorization) {
  const [head, body, signature] = (authorization || "").replace(/^Bearer /, "").split(".");
  if (!signature) throw new Error("missing token");
  const ok = verify(
    "RSA-SHA256",
    Buffer.from(`${head}.${body}`),
    key,
    Buffer.from(signature, "base64url"),
  );
  if (!ok) throw new Error("bad signature");
  const c = JSON.parse(Buffer.from(body, "base64url").toString());
  if (c.exp < Date.now() / 1000) throw new Error("token expired");
  return c;
}

export default {
  extends: [PostGraphileAmberPreset],
  // Filter and order by unindexed columns too (the service lists by case manager and creation
  // time; no index has them, the same scan for all three servers).
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [
    makePgService({
      connectionString: process.env.BENCH_PEER_DB,
      schemas: ["public"],
      pgSettings(ctx) {
        const headers = ctx.node?.req?.headers ?? {};
        const c = claims(headers.authorization);
        if (c.org) {
          const organisation = organisations[c.org];
          if (!organisation) throw new Error("unknown organisation");
          return {
            role: "casework_app",
            "app.tenant_id": "",
            "app.partner_organisation_id": organisation,
          };
        }
        const tenant = tenants[c.tenant];
        if (!tenant) throw new Error("unknown tenant");
        return { role: "casework_app", "app.tenant_id": tenant, "app.partner_organisation_id": "" };
      },
    }),
  ],
  grafserv: { port: Number(process.env.BENCH_PEER_PORT), host: "127.0.0.1" },
  grafast: { explain: false },
};
