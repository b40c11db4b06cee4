import { addressAllowed, checkWebhookUrl, type WebhookTargetPolicy } from './webhook-target.js';

const OPEN: WebhookTargetPolicy = { allowedHosts: [], allowedCidrs: [], httpsOnly: false };

describe('webhook targets', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.1.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd12::1',
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::7f00:1',
  ])('refuses %s', (address) => expect(addressAllowed(address, OPEN)).toBe(false));

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111'])('allows the public %s', (address) => expect(addressAllowed(address, OPEN)).toBe(true));

  it('opens what the operator lists, and only that', () => {
    const onPrem = { ...OPEN, allowedCidrs: ['10.20.0.0/16', '127.0.0.1'] };
    expect(addressAllowed('10.20.3.4', onPrem)).toBe(true);
    expect(addressAllowed('127.0.0.1', onPrem)).toBe(true);
    expect(addressAllowed('10.21.0.1', onPrem)).toBe(false);
  });

  it('checks URLs: https only in production, allowed host names as listed', async () => {
    expect(await checkWebhookUrl('http://93.184.216.34/x', { ...OPEN, httpsOnly: true })).toMatch(/https/);
    expect(await checkWebhookUrl('http://localhost/x', OPEN)).toMatch(/loopback/);
    expect(await checkWebhookUrl('http://localhost/x', { ...OPEN, allowedHosts: ['localhost'] })).toBeUndefined();
  });
});
