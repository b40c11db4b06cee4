import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';

/**
 * Where webhooks may go (docs/design.md §10): never loopback, private, link-local (cloud metadata at 169.254.169.254
 * included), shared, multicast or otherwise reserved addresses, unless the operator allows the target in
 * WEBHOOK_ALLOWED_TARGETS (an on-premise receiver). Checked when a webhook is registered, and again at every
 * delivery on the addresses the name resolves to at that moment — the connection then goes to exactly the
 * address checked, so a name that is re-pointed (DNS rebinding) after registration does not get through.
 */
export interface WebhookTargetPolicy {
  /** Host names (lower case) and addresses / CIDRs an operator allows even though they are not public. */
  allowedHosts: string[];
  allowedCidrs: string[];
  /** Production: https:// only. */
  httpsOnly: boolean;
}

const NOT_PUBLIC = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  NOT_PUBLIC.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  NOT_PUBLIC.addSubnet(net, bits, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible or NAT64 (64:ff9b::/96) IPv6 address. */
function embeddedIpv4(address: string): string | undefined {
  const m = /^(?:::ffff:(?:0:)?|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (m) return m[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return undefined;
  const [a, b] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
  return `${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
}

function allowList(policy: WebhookTargetPolicy): BlockList {
  const list = new BlockList();
  for (const entry of policy.allowedCidrs) {
    const [net, bits] = entry.split('/');
    const type = isIP(net) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(net, type);
    else list.addSubnet(net, Number(bits), type);
  }
  return list;
}

/** True when careloop may connect to this resolved address under the policy. */
export function addressAllowed(address: string, policy: WebhookTargetPolicy): boolean {
  const v4 = isIP(address) === 6 ? embeddedIpv4(address) : undefined;
  const candidates = v4 ? [address, v4] : [address];
  const allowed = allowList(policy);
  return (
    candidates.some((a) => allowed.check(a, isIP(a) === 6 ? 'ipv6' : 'ipv4')) || !candidates.some((a) => NOT_PUBLIC.check(a, isIP(a) === 6 ? 'ipv6' : 'ipv4'))
  );
}

function hostAllowed(hostname: string, policy: WebhookTargetPolicy): boolean {
  return policy.allowedHosts.includes(hostname.toLowerCase().replace(/\.$/, ''));
}

/** The URL's host without IPv6 brackets. */
function hostOf(u: URL): string {
  return u.hostname.replace(/^\[|\]$/g, '');
}

export const TARGET_REFUSED =
  'must not point at a loopback, private, link-local or reserved address (an operator can allow on-premise receivers with WEBHOOK_ALLOWED_TARGETS)';

/**
 * Registration check of a webhook URL: a problem for the `url` field, or undefined. A name that does not resolve
 * now is accepted (deliveries re-check and fail as dns_error); a name resolving to a refused address is not.
 */
export async function checkWebhookUrl(url: string, policy: WebhookTargetPolicy): Promise<string | undefined> {
  const u = new URL(url);
  if (policy.httpsOnly && u.protocol !== 'https:') return 'must be an https:// URL in production';
  const host = hostOf(u);
  if (hostAllowed(host, policy)) return undefined;
  if (isIP(host)) return addressAllowed(host, policy) ? undefined : TARGET_REFUSED;
  const addresses = await new Promise<LookupAddress[]>((resolve) => dnsLookup(host, { all: true }, (err, list) => resolve(err ? [] : list)));
  return addresses.every((a) => addressAllowed(a.address, policy)) ? undefined : TARGET_REFUSED;
}

/** The error classes a delivery attempt stores: generic on purpose, so the log tells nobody which internal ports answer. */
export type DeliveryErrorClass =
  'blocked_target' | 'dns_error' | 'connection_refused' | 'connection_reset' | 'unreachable' | 'timeout' | 'tls_error' | 'network_error';

class BlockedTargetError extends Error {
  readonly code = 'ECARELOOP_BLOCKED_TARGET';
}

function errorClass(e: unknown): DeliveryErrorClass {
  const code = String((e as { code?: string })?.code ?? '');
  if (e instanceof BlockedTargetError) return 'blocked_target';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA') return 'dns_error';
  if (code === 'ECONNREFUSED') return 'connection_refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return 'connection_reset';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') return 'unreachable';
  if (code === 'ETIMEDOUT' || code === 'ECARELOOP_TIMEOUT') return 'timeout';
  if (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL)/.test(code)) return 'tls_error';
  return 'network_error';
}

/**
 * POSTs a webhook body, resolving the host through a lookup that refuses addresses the policy does not allow
 * (the socket connects to the address checked). Redirects are not followed. Resolves to the status code or an
 * error class; `detail` is the underlying error, for the server log only.
 */
export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  policy: WebhookTargetPolicy,
  timeoutMs: number,
): Promise<{ statusCode: number } | { error: DeliveryErrorClass; detail: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: { statusCode: number } | { error: DeliveryErrorClass; detail: string }) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const fail = (e: unknown) => done({ error: errorClass(e), detail: (e as Error)?.message ?? String(e) });
    let u: URL;
    try {
      u = new URL(url);
    } catch (e) {
      fail(e);
      return;
    }
    const host = hostOf(u);
    const trusted = hostAllowed(host, policy);
    if (policy.httpsOnly && u.protocol !== 'https:') return fail(new BlockedTargetError('plain http in production'));
    // An address in the URL is never looked up by the socket: check it here.
    if (!trusted && isIP(host) && !addressAllowed(host, policy)) return fail(new BlockedTargetError(`address ${host} is not allowed`));
    const lookup = (hostname: string, options: LookupAllOptions | { all?: boolean; family?: number }, callback: (...args: unknown[]) => void) => {
      dnsLookup(hostname, { ...(options as object), all: true }, (err, addresses) => {
        if (err) return callback(err);
        if (!trusted) {
          const refused = addresses.find((a) => !addressAllowed(a.address, policy));
          if (refused) return callback(new BlockedTargetError(`${hostname} resolves to a refused address`));
        }
        if ((options as { all?: boolean }).all) return callback(null, addresses);
        return callback(null, addresses[0].address, addresses[0].family);
      });
    };
    const client = u.protocol === 'https:' ? https : http;
    const req = client.request(
      u,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: lookup as never, timeout: timeoutMs, agent: false },
      (res) => {
        res.resume(); // the answer's body is not needed
        res.on('error', () => undefined);
        done({ statusCode: res.statusCode ?? 0 });
      },
    );
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: 'ECARELOOP_TIMEOUT' })), timeoutMs);
    timer.unref();
    req.on('timeout', () => req.destroy(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: 'ECARELOOP_TIMEOUT' })));
    req.on('error', fail);
    req.on('close', () => clearTimeout(timer));
    req.end(body);
  });
}
