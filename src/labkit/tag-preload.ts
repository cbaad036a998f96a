/**
 * Loaded with `node --import` before a learner's script on a target that tags resources: every
 * AWS SDK v3 client the script makes adds `awslings:lab=<id>` to the create calls that take tags.
 * The SDK is found the way the script finds it, from its own folder, so this patches the very
 * client class the script uses.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tagClient } from './tags.js';

const lab = process.env.AWSLINGS_LAB_TAG;
if (lab) {
  const require = createRequire(join(process.cwd(), 'awslings-tag-preload.js'));
  const tagged = new WeakSet<object>();
  // @smithy/core/client in current SDKs, @smithy/smithy-client in older ones.
  for (const id of ['@smithy/core/client', '@smithy/smithy-client']) {
    let Client: { prototype: { send: (...args: unknown[]) => unknown } } | undefined;
    try {
      Client = (require(id) as { Client?: typeof Client }).Client;
    } catch {
      continue;
    }
    if (!Client) continue;
    const send = Client.prototype.send;
    Client.prototype.send = function (this: { middlewareStack: unknown }, ...args: unknown[]) {
      if (!tagged.has(this)) {
        tagged.add(this);
        tagClient(this, lab);
      }
      return send.apply(this, args);
    };
  }
}
