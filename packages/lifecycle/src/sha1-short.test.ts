import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { sha1Base64, sha1Block, sha1BlockBase64, sha1Input } from './sha1-short.js';

test('sha1Base64 equals node:crypto for every length 0..55 and pseudo-random bytes', () => {
  let x = 12345;
  for (let len = 0; len <= 55; len++) {
    for (let rep = 0; rep < 20; rep++) {
      const msg = new Uint8Array(len);
      for (let i = 0; i < len; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        msg[i] = x >>> 24;
      }
      sha1Input.set(msg);
      assert.equal(sha1Base64(len), createHash('sha1').update(msg).digest('base64'), `len ${len}`);
    }
  }
});

test('sha1Base64: FIPS 180 "abc" vector', () => {
  sha1Input.set([0x61, 0x62, 0x63]);
  assert.equal(Buffer.from(sha1Base64(3), 'base64').toString('hex'), 'a9993e364706816aba3e25717850c26c9cd0d89d');
});

test('sha1BlockBase64: a block given as words equals node:crypto (one message per length, padded by hand)', () => {
  let x = 777;
  for (let len = 0; len <= 55; len++) {
    const msg = new Uint8Array(len);
    for (let i = 0; i < len; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      msg[i] = x >>> 24;
    }
    const padded = new Uint8Array(64);
    padded.set(msg);
    padded[len] = 0x80;
    new DataView(padded.buffer).setUint32(60, len * 8);
    for (let i = 0; i < 16; i++) sha1Block[i] = new DataView(padded.buffer).getInt32(4 * i);
    assert.equal(sha1BlockBase64('1:'), '1:' + createHash('sha1').update(msg).digest('base64'), `len ${len}`);
  }
});
