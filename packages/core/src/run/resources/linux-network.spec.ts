import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempWorkspaces, tempWorkspace } from '../../test-support/temp-workspace';
import { createProcNetDevReader, parseProcNetDev } from './linux-network';

const procNetDev = (
  eth0: [number, number],
) => `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 66077145  506369    0    0    0     0          0         0 66077145  506369    0    0    0     0       0          0
  eth0: ${eth0[0]}   90428    0    0    0     0          0         0 ${eth0[1]}   70693    0    0    0     0       0          0
`;

afterEach(removeTempWorkspaces);

describe('/proc/net/dev', () => {
  it('reads each interface’s received and sent byte counters', () => {
    expect(parseProcNetDev(procNetDev([2997936528, 12782437]))).toEqual(
      new Map([
        ['lo', { rx: 66077145, tx: 66077145 }],
        ['eth0', { rx: 2997936528, tx: 12782437 }],
      ]),
    );
  });

  it('reports bytes per second since the previous call, none on the first', () => {
    const file = join(tempWorkspace({}, 'shardwise-netdev-'), 'dev');
    let now = 0;
    const read = createProcNetDevReader(() => now, file);
    writeFileSync(file, procNetDev([1000, 500]));
    expect(read().find((i) => i.iface === 'eth0')).toEqual({
      iface: 'eth0',
      rx_sec: null,
      tx_sec: null,
    });
    now = 2000;
    writeFileSync(file, procNetDev([5000, 1500]));
    expect(read().find((i) => i.iface === 'eth0')).toEqual({
      iface: 'eth0',
      rx_sec: 2000,
      tx_sec: 500,
    });
  });

  it('throws where the file cannot be read, so the caller can fall back', () => {
    expect(() => createProcNetDevReader(() => 0, '/nonexistent/net/dev')()).toThrow();
  });
});
