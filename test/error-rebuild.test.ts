// An error that crosses a thread as data (a pooled stage's, from its worker) is rebuilt
// by its code as the class that raised it: the same message, status, headers and
// stage(s), with every code in the registry raised by exactly one class.
import { expect, it } from 'vitest';
import * as witline from '../src/index.js';
import { ERROR_CODES, WitlineError } from '../src/index.js';
import { rebuildError, serializeError } from '../src/core/errors.js';

const e = witline;
const cause = new Error('underneath');
// One of each class, with the details each carries.
const samples: WitlineError[] = [
  new e.BadRequestError('bad method'),
  new e.NotFoundError(),
  new e.RequestTimeoutError(),
  new e.BodyTooLargeError(10),
  new e.UrlTooLongError(10),
  new e.HeadersTooLargeError(10),
  new e.ClientAbortedError(),
  new e.InternalError({ cause }),
  new e.GuestTrapError('auth', { cause }),
  new e.HandlerError({ cause }),
  new e.WorkerExitedError(['a', 'b'], { cause }),
  new e.BodyConsumedError(),
  new e.ImportDeniedError('auth', ['wasi:http/outgoing-handler']),
  new e.InvalidComponentError('no phase'),
  new e.GuestConfigError('auth', 'no secret'),
  new e.ComponentLoadError('unreadable', { cause }),
  new e.InvalidConfigError('limits.maxBodyBytes must be a positive integer'),
  new e.GuestInvalidOutputError('auth', 'status 99'),
  new e.UpstreamError('refused', { cause }),
  new e.PipelineClosedError(),
  new e.StageTimeoutError(['slow'], 50),
  new e.StageUnavailableError('broken', 1000),
  new e.PoolBusyError(['busy'], 1),
  new e.StoreUnavailableError('timeout', 'kv: no answer within 50 ms'),
  new e.StoreValueTooLargeError(2048, 1024),
  new e.UpstreamTimeoutError('late'),
];

it('has one class per registry code, answering with the registry status', () => {
  expect(samples.map((s) => s.code).sort()).toEqual(Object.keys(ERROR_CODES).sort());
  for (const s of samples) expect([s.code, s.statusCode]).toEqual([s.code, ERROR_CODES[s.code].status]);
});

it('rebuilds each serialised error, after a structured clone, as its class with its details', () => {
  for (const original of samples) {
    const back = rebuildError(structuredClone(serializeError(original)));
    expect(back).toBeInstanceOf(original.constructor);
    expect(back.name).toBe(original.name);
    expect({ code: back.code, statusCode: back.statusCode, message: back.message, headers: back.headers }).toEqual({
      code: original.code,
      statusCode: original.statusCode,
      message: original.message,
      headers: original.headers,
    });
    for (const k of ['stage', 'stages', 'imports'] as const) expect((back as never)[k]).toEqual((original as never)[k]);
    expect((back.cause as Error | undefined)?.message).toBe((original.cause as Error | undefined)?.message);
  }
  expect(rebuildError(serializeError(new e.PoolBusyError(['busy'], 3))).headers).toEqual([['retry-after', '3']]);
});

it('serialises a failure that is no WitlineError as WITLINE_INTERNAL, keeping its message as the cause only', () => {
  const back = rebuildError(serializeError(new TypeError('x is undefined')));
  expect(back).toBeInstanceOf(e.InternalError);
  expect(back.message).toBe('internal error');
  expect((back.cause as Error).message).toBe('x is undefined');
});
