#!/usr/bin/env bash
# Manual end-to-end check of provider.mjs with curl (no automatic redirect
# following, cookie jar per login). Exits non-zero on the first failure.
#
#   bash tests/oidc-provider/smoke.sh        (run `npm ci --prefix tests/oidc-provider` first)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TMP="$(mktemp -d)"
REDIRECT_URI="http://127.0.0.1:45678/callback"
CLIENT_ID="motcua-app"
PASS=0

cleanup() {
  exec 3>&- 2>/dev/null || true # closing the provider's stdin makes it exit
  if [[ -n "${OP_PID:-}" ]]; then
    for _ in $(seq 1 20); do kill -0 "$OP_PID" 2>/dev/null || break; sleep 0.1; done
    kill "$OP_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; if [[ -s "$TMP/op.err" ]]; then echo "--- provider stderr:" >&2; cat "$TMP/op.err" >&2; fi; exit 1; }
ok() { PASS=$((PASS + 1)); echo "ok   $*"; }

# --- start the provider; its stdin is fd 3 of this script --------------------
exec 3> >(exec node "$HERE/provider.mjs" >"$TMP/op.out" 2>"$TMP/op.err")
OP_PID=$!
for _ in $(seq 1 100); do [[ -s "$TMP/op.out" ]] && break; sleep 0.1; done
[[ -s "$TMP/op.out" ]] || fail "provider did not print its issuer line"
[[ "$(wc -l <"$TMP/op.out")" -eq 1 ]] || fail "stdout must be exactly one line: $(cat "$TMP/op.out")"
ISSUER="$(node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));
  if(Object.keys(j).join()!=="issuer")process.exit(1);process.stdout.write(j.issuer)' -- "$TMP/op.out")" \
  || fail "stdout line is not {\"issuer\":...}: $(cat "$TMP/op.out")"
[[ "$ISSUER" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || fail "bad issuer $ISSUER"
ok "provider up, stdout line: $(cat "$TMP/op.out")"

# --- helpers -------------------------------------------------------------------
# req <name> <curl args...>: writes $TMP/<name>.{hdr,body}, sets STATUS and LOCATION
req() {
  local name="$1"; shift
  STATUS="$(curl -sS -o "$TMP/$name.body" -D "$TMP/$name.hdr" -w '%{http_code}' "$@")"
  LOCATION="$(tr -d '\r' <"$TMP/$name.hdr" | sed -n 's/^[Ll]ocation: //p' | tail -n1)"
}
absolute() { if [[ "$1" == /* ]]; then echo "$ISSUER$1"; else echo "$1"; fi; }
json() { node -e 'const j=JSON.parse(require("fs").readFileSync(0,"utf8"));const v=process.argv[1].split(".").reduce((o,k)=>o?.[k],j);process.stdout.write(typeof v==="string"?v:JSON.stringify(v??null))' -- "$1"; }
query_param() { node -e 'process.stdout.write(new URL(process.argv[1]).searchParams.get(process.argv[2]) ?? "")' -- "$1" "$2"; }
new_verifier() { node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))'; }
s256() { node -e 'process.stdout.write(require("crypto").createHash("sha256").update(process.argv[1]).digest("base64url"))' -- "$1"; }
urlenc() { node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' -- "$1"; }

auth_url() { # auth_url <state> <nonce> <challenge> [method]
  echo "$ISSUER/auth?client_id=$CLIENT_ID&response_type=code&scope=openid%20profile%20address&redirect_uri=$(urlenc "$REDIRECT_URI")&state=$1&nonce=$2&code_challenge=$3&code_challenge_method=${4:-S256}"
}

# --- discovery + jwks ----------------------------------------------------------
req disco "$ISSUER/.well-known/openid-configuration"
[[ "$STATUS" == 200 ]] || fail "discovery status $STATUS"
[[ "$(json issuer <"$TMP/disco.body")" == "$ISSUER" ]] || fail "discovery issuer mismatch"
AUTH_EP="$(json authorization_endpoint <"$TMP/disco.body")"
TOKEN_EP="$(json token_endpoint <"$TMP/disco.body")"
JWKS_URI="$(json jwks_uri <"$TMP/disco.body")"
[[ "$(json code_challenge_methods_supported <"$TMP/disco.body")" == '["S256"]' ]] || fail "code_challenge_methods_supported"
[[ "$(json id_token_signing_alg_values_supported <"$TMP/disco.body")" == *RS256* ]] || fail "RS256 not advertised"
[[ "$(json acr_values_supported <"$TMP/disco.body")" == '["LoA1","LoA2"]' ]] || fail "acr_values_supported"
ok "discovery: authorization=$AUTH_EP token=$TOKEN_EP jwks=$JWKS_URI"
[[ "$AUTH_EP" == "$ISSUER/auth" ]] || fail "unexpected authorization endpoint"

req jwks "$JWKS_URI"
[[ "$STATUS" == 200 ]] || fail "jwks status $STATUS"
node -e 'const {keys}=JSON.parse(require("fs").readFileSync(0,"utf8"));
  if(keys.length!==1||keys[0].kty!=="RSA"||!keys[0].kid||keys[0].alg!=="RS256"||keys[0].d)process.exit(1)' <"$TMP/jwks.body" \
  || fail "jwks should hold exactly one public RSA RS256 key with kid: $(cat "$TMP/jwks.body")"
ok "jwks: one RSA key, kid=$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0,"utf8")).keys[0].kid)' <"$TMP/jwks.body")"

# --- one full browser-like login -----------------------------------------------
# login_flow <jar> <account> <state> <nonce> <challenge>  -> sets CODE (and TRACE)
login_flow() {
  local jar="$1" account="$2" state="$3" nonce="$4" challenge="$5" n=0 url
  TRACE=""
  rm -f "$jar"
  req auth -c "$jar" -b "$jar" "$(auth_url "$state" "$nonce" "$challenge")"
  TRACE+="GET /auth -> $STATUS"
  [[ "$STATUS" == 303 || "$STATUS" == 302 ]] || fail "authorization request: status $STATUS $(cat "$TMP/auth.body")"
  [[ "$LOCATION" =~ ^/interaction/[^/]+$ ]] || fail "authorization request: location $LOCATION"
  local interaction="$LOCATION"

  req ipage -c "$jar" -b "$jar" "$(absolute "$interaction")"
  TRACE+=", GET $interaction -> $STATUS"
  [[ "$STATUS" == 200 ]] || fail "interaction page status $STATUS"
  local action
  action="$(grep -o "<form method=\"post\" action=\"[^\"]*\" data-citizen=\"$account\"" "$TMP/ipage.body" | sed 's/.*action="\([^"]*\)".*/\1/')"
  [[ "$action" == "$interaction/login" ]] || fail "login form for $account not found: $(cat "$TMP/ipage.body")"
  grep -q "<input type=\"hidden\" name=\"account\" value=\"$account\">" "$TMP/ipage.body" || fail "hidden account input"
  grep -q "action=\"$interaction/abort\" data-action=\"cancel\"" "$TMP/ipage.body" || fail "cancel form missing"

  req login -c "$jar" -b "$jar" -X POST --data-urlencode "account=$account" "$(absolute "$action")"
  TRACE+=", POST $action -> $STATUS"
  url="$LOCATION"
  while [[ "$STATUS" == 30[1237] && "$url" != "$REDIRECT_URI"* ]]; do
    n=$((n + 1)); [[ $n -le 5 ]] || fail "too many redirects"
    req hop -c "$jar" -b "$jar" "$(absolute "$url")"
    TRACE+=", GET ${url%%\?*} -> $STATUS"
    url="$LOCATION"
  done
  [[ "$STATUS" == 303 || "$STATUS" == 302 ]] || fail "login did not end in a redirect: $STATUS $(cat "$TMP/hop.body" 2>/dev/null)"
  [[ "$url" == "$REDIRECT_URI?"* ]] || fail "final redirect not to the client: $url"
  [[ "$(query_param "$url" state)" == "$state" ]] || fail "state not echoed"
  [[ "$(query_param "$url" iss)" == "$ISSUER" ]] || fail "iss not in the callback"
  CODE="$(query_param "$url" code)"
  [[ -n "$CODE" ]] || fail "no code in $url"
  TRACE+=" => $REDIRECT_URI?code=…&state=$state&iss=…"
}

token_request() { # token_request <code> <verifier>
  req token -X POST \
    --data-urlencode grant_type=authorization_code \
    --data-urlencode "code=$1" \
    --data-urlencode "redirect_uri=$REDIRECT_URI" \
    --data-urlencode "client_id=$CLIENT_ID" \
    --data-urlencode "code_verifier=$2" \
    "$TOKEN_EP"
}

check_id_token() { # check_id_token <nonce> <sub> <acr> <name> <birthdate> <vn_personal_id>
  node --input-type=module -e '
    import { readFileSync } from "node:fs";
    import { createPublicKey, verify } from "node:crypto";
    const [nonce, sub, acr, name, birthdate, pid, issuer, jwksFile, client] = process.argv.slice(1);
    const tok = JSON.parse(readFileSync(0, "utf8"));
    const [h, p, s] = tok.id_token.split(".");
    const header = JSON.parse(Buffer.from(h, "base64url"));
    const claims = JSON.parse(Buffer.from(p, "base64url"));
    const jwk = JSON.parse(readFileSync(jwksFile, "utf8")).keys.find((k) => k.kid === header.kid);
    const errs = [];
    if (header.alg !== "RS256") errs.push("alg " + header.alg);
    if (!jwk) errs.push("kid not in jwks");
    else if (!verify("sha256", Buffer.from(h + "." + p), createPublicKey({ key: jwk, format: "jwk" }), Buffer.from(s, "base64url"))) errs.push("bad signature");
    const want = { iss: issuer, aud: client, sub, nonce, acr, name, birthdate, vn_personal_id: pid };
    for (const [k, v] of Object.entries(want)) if (claims[k] !== v) errs.push(`${k}=${JSON.stringify(claims[k])} want ${JSON.stringify(v)}`);
    if (typeof claims.address?.formatted !== "string" || !claims.address.formatted) errs.push("address.formatted missing");
    for (const k of ["iat", "exp", "auth_time"]) if (typeof claims[k] !== "number") errs.push(k + " missing");
    if (tok.token_type !== "Bearer" || !tok.access_token) errs.push("token response shape");
    if (errs.length) { console.error(JSON.stringify(claims, null, 2)); console.error(errs.join("\n")); process.exit(1); }
    console.log(JSON.stringify(claims));
  ' -- "$@" "$ISSUER" "$TMP/jwks.body" "$CLIENT_ID" <"$TMP/token.body"
}

# citizen 1 (LoA2)
V1="$(new_verifier)"
login_flow "$TMP/jar1" external-citizen-1 S N "$(s256 "$V1")"
ok "login flow citizen 1: $TRACE"
token_request "$CODE" "$V1"
[[ "$STATUS" == 200 ]] || fail "token request status $STATUS $(cat "$TMP/token.body")"
CLAIMS1="$(check_id_token N external-citizen-1 LoA2 "Lê Văn Hùng" 1962-05-20 048062001234)" || fail "ID token (citizen 1)"
ok "ID token citizen 1 verified (RS256 via jwks): $CLAIMS1"
ok "token response fields: $(node -e 'process.stdout.write(Object.keys(JSON.parse(require("fs").readFileSync(0,"utf8"))).sort().join(","))' <"$TMP/token.body")"

# userinfo with the access token
AT="$(json access_token <"$TMP/token.body")"
req userinfo -H "Authorization: Bearer $AT" "$(json userinfo_endpoint <"$TMP/disco.body")"
[[ "$STATUS" == 200 && "$(json sub <"$TMP/userinfo.body")" == external-citizen-1 && "$(json vn_personal_id <"$TMP/userinfo.body")" == 048062001234 ]] \
  || fail "userinfo: $STATUS $(cat "$TMP/userinfo.body")"
ok "userinfo: $(cat "$TMP/userinfo.body")"

# the same code again -> invalid_grant
token_request "$CODE" "$V1"
[[ "$STATUS" == 400 && "$(json error <"$TMP/token.body")" == invalid_grant ]] || fail "code replay: $STATUS $(cat "$TMP/token.body")"
ok "code replay refused: invalid_grant"

# citizen 2 (LoA1), fresh cookie jar, different state/nonce
V2="$(new_verifier)"
login_flow "$TMP/jar2" external-citizen-2 S2 N2 "$(s256 "$V2")"
token_request "$CODE" "$V2"
[[ "$STATUS" == 200 ]] || fail "token request (citizen 2) status $STATUS $(cat "$TMP/token.body")"
CLAIMS2="$(check_id_token N2 external-citizen-2 LoA1 "Phạm Thị Mai" 1995-11-02 079195004321)" || fail "ID token (citizen 2)"
ok "ID token citizen 2 verified: $CLAIMS2"

# wrong code_verifier -> invalid_grant
V3="$(new_verifier)"
login_flow "$TMP/jar3" external-citizen-1 S3 N3 "$(s256 "$V3")"
token_request "$CODE" "$(new_verifier)"
[[ "$STATUS" == 400 && "$(json error <"$TMP/token.body")" == invalid_grant ]] || fail "wrong verifier: $STATUS $(cat "$TMP/token.body")"
ok "wrong code_verifier refused: $(cat "$TMP/token.body")"

# --- refusals at the authorization endpoint ------------------------------------
# code_challenge_method=plain -> error redirected to the client
req plain "$(auth_url SP NP "$V3" plain)"
[[ "$STATUS" == 303 || "$STATUS" == 302 ]] || fail "plain: status $STATUS"
[[ "$LOCATION" == "$REDIRECT_URI?"* && "$(query_param "$LOCATION" error)" == invalid_request ]] || fail "plain not refused: $LOCATION"
ok "code_challenge_method=plain refused: $STATUS -> error=invalid_request ($(query_param "$LOCATION" error_description))"

# no PKCE at all -> refused (PKCE required for the public client)
req nopkce "$ISSUER/auth?client_id=$CLIENT_ID&response_type=code&scope=openid&redirect_uri=$(urlenc "$REDIRECT_URI")&state=X&nonce=Y"
[[ "$LOCATION" == "$REDIRECT_URI?"* && "$(query_param "$LOCATION" error)" == invalid_request ]] || fail "missing PKCE not refused: $STATUS $LOCATION"
ok "missing code_challenge refused: error=invalid_request ($(query_param "$LOCATION" error_description))"

# redirect_uri with another path -> 400 page, no redirect
req badru "$ISSUER/auth?client_id=$CLIENT_ID&response_type=code&scope=openid&redirect_uri=$(urlenc http://127.0.0.1:45678/other)&state=X&nonce=Y&code_challenge=$(s256 "$V3")&code_challenge_method=S256"
[[ "$STATUS" == 400 && -z "$LOCATION" ]] || fail "foreign redirect_uri not refused: $STATUS $LOCATION"
ok "unregistered redirect_uri path refused with 400 (no redirect)"

# cancel form -> access_denied at the client
rm -f "$TMP/jar4"
req auth -c "$TMP/jar4" -b "$TMP/jar4" "$(auth_url SC NC "$(s256 "$V3")")"
INTERACTION="$LOCATION"
req abort -c "$TMP/jar4" -b "$TMP/jar4" -X POST --data '' "$ISSUER$INTERACTION/abort"
[[ "$STATUS" == 303 ]] || fail "abort status $STATUS"
req resume -c "$TMP/jar4" -b "$TMP/jar4" "$(absolute "$LOCATION")"
[[ "$LOCATION" == "$REDIRECT_URI?"* && "$(query_param "$LOCATION" error)" == access_denied && "$(query_param "$LOCATION" state)" == SC ]] \
  || fail "cancel did not give access_denied: $STATUS $LOCATION"
ok "cancel form -> error=access_denied&state=SC"

# cookies are required: resuming without the cookie jar fails
rm -f "$TMP/jar5"
req auth -c "$TMP/jar5" -b "$TMP/jar5" "$(auth_url SK NK "$(s256 "$V3")")"
INTERACTION="$LOCATION"
req nocookie "$ISSUER$INTERACTION"
[[ "$STATUS" != 200 ]] || fail "interaction page served without cookies"
ok "interaction without cookies refused ($STATUS)"

echo "--- provider stderr:"; cat "$TMP/op.err"
echo "ALL $PASS CHECKS PASSED"
