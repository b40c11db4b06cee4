import { derivedQueuePrefix } from './queue-prefix.js';

describe('derivedQueuePrefix', () => {
  it('is stable for one database and differs between databases and clusters', () => {
    const a = derivedQueuePrefix({ cluster: '7714979121776056440', database: 'careloop' });
    expect(a).toBe(derivedQueuePrefix({ cluster: '7714979121776056440', database: 'careloop' }));
    expect(a).toMatch(/^careloop-[0-9a-f]{12}$/);
    expect(derivedQueuePrefix({ cluster: '7714979121776056440', database: 'careloop_b' })).not.toBe(a);
    expect(derivedQueuePrefix({ cluster: '7714979121776056441', database: 'careloop' })).not.toBe(a);
  });

  it('does not confuse a shifted boundary between cluster and database', () => {
    expect(derivedQueuePrefix({ cluster: '12', database: '3' })).not.toBe(derivedQueuePrefix({ cluster: '1', database: '23' }));
  });
});
