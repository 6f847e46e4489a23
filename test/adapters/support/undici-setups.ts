// The two ways the undici interceptor runs: collecting the response for a response
// phase (echo has one), or relaying it as it streams (auth has none).
import { pipeline, type Pipeline } from '../../../src/index.js';
import { auth } from '../../../src/middleware/index.js';
import { echo } from '../../support/components.js';
import { quiet } from './serve.js';
import { ISSUER, SECRET, T0, token } from './tokens.js';

export const modes: Array<[string, () => Pipeline]> = [
  ['collecting for a response phase', () => pipeline([echo()], { logger: quiet })],
  ['relaying without a response phase', () => pipeline([auth({ secret: SECRET, issuer: ISSUER })], { clock: () => T0, logger: quiet })],
];

/** Headers that get a request past both: a valid token, and echo told to pass it on. */
export const passHeaders = { authorization: `Bearer ${token('svc')}`, 'x-echo-pass': '1' };
