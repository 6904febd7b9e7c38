import { deserialize, serialize } from 'bson';
import type { Doc } from './documents';

/** https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/ */
export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

const HEADER_SIZE = 16;
const MSG_CHECKSUM_PRESENT = 1 << 0;
const MSG_MORE_TO_COME = 1 << 1;
/** Flag bits 0-15 are "required": a receiver must fail on the ones it does not know. */
const MSG_KNOWN_REQUIRED_FLAGS = MSG_CHECKSUM_PRESENT | MSG_MORE_TO_COME;
const REPLY_AWAIT_CAPABLE = 1 << 3;

export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE_BYTES = 48_000_000;

export interface WireRequest {
  opCode: typeof OP_MSG | typeof OP_QUERY;
  requestId: number;
  /** The command document, with OP_MSG document sequences folded in as arrays and `$db` always set. */
  command: Doc;
  /** OP_MSG `moreToCome` (unacknowledged write): the client expects no reply. */
  moreToCome: boolean;
}

export class WireProtocolError extends Error {}

/** Length of the complete message at the start of `buffer`, or undefined while the header is incomplete. */
export function messageLength(buffer: Buffer): number | undefined {
  return buffer.length >= 4 ? buffer.readInt32LE(0) : undefined;
}

function readCString(frame: Buffer, offset: number): [string, number] {
  const end = frame.indexOf(0, offset);
  if (end < 0) throw new WireProtocolError('unterminated cstring');
  return [frame.toString('utf8', offset, end), end + 1];
}

function readDocument(frame: Buffer, offset: number, limit: number): [Doc, number] {
  if (offset + 4 > limit) throw new WireProtocolError('truncated BSON document');
  const size = frame.readInt32LE(offset);
  if (size < 5 || offset + size > limit) throw new WireProtocolError('invalid BSON document size');
  const document: Doc = deserialize(frame.subarray(offset, offset + size));
  return [document, offset + size];
}

function parseOpMsg(frame: Buffer, requestId: number): WireRequest {
  const flags = frame.readUInt32LE(HEADER_SIZE);
  if ((flags & 0xffff & ~MSG_KNOWN_REQUIRED_FLAGS) !== 0) {
    throw new WireProtocolError(`unsupported OP_MSG flag bits ${flags.toString(2)}`);
  }
  // The CRC-32C trailer is not verified: TCP on a local socket already guarantees integrity.
  const end = frame.length - (flags & MSG_CHECKSUM_PRESENT ? 4 : 0);
  let offset = HEADER_SIZE + 4;
  let body: Doc | undefined;
  const sequences: Array<[string, Doc[]]> = [];
  while (offset < end) {
    const kind = frame[offset];
    offset += 1;
    if (kind === 0) {
      if (body) throw new WireProtocolError('OP_MSG with more than one body section');
      [body, offset] = readDocument(frame, offset, end);
    } else if (kind === 1) {
      const sectionEnd = offset + frame.readInt32LE(offset);
      if (sectionEnd > end) throw new WireProtocolError('truncated OP_MSG document sequence');
      let identifier: string;
      [identifier, offset] = readCString(frame, offset + 4);
      const documents: Doc[] = [];
      while (offset < sectionEnd) {
        let document: Doc;
        [document, offset] = readDocument(frame, offset, sectionEnd);
        documents.push(document);
      }
      sequences.push([identifier, documents]);
    } else {
      throw new WireProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new WireProtocolError('OP_MSG without a body section');
  for (const [identifier, documents] of sequences) {
    const existing = body[identifier];
    body[identifier] = Array.isArray(existing) ? [...(existing as Doc[]), ...documents] : documents;
  }
  return { opCode: OP_MSG, requestId, command: body, moreToCome: (flags & MSG_MORE_TO_COME) !== 0 };
}

/** OP_QUERY survives only for the legacy handshake (and old tools) against `<db>.$cmd`. */
function parseOpQuery(frame: Buffer, requestId: number): WireRequest {
  const [fullCollectionName, afterName] = readCString(frame, HEADER_SIZE + 4);
  // numberToSkip and numberToReturn (8 bytes) are meaningless for commands.
  const [query] = readDocument(frame, afterName + 8, frame.length);
  const dot = fullCollectionName.indexOf('.');
  const db = dot < 0 ? fullCollectionName : fullCollectionName.slice(0, dot);
  const collection = dot < 0 ? '' : fullCollectionName.slice(dot + 1);
  if (collection !== '$cmd') {
    // Legacy queries against collections: answered as a command error, never used by modern drivers.
    return {
      opCode: OP_QUERY,
      requestId,
      command: { $legacyQuery: fullCollectionName, $db: db },
      moreToCome: false,
    };
  }
  const command = (query.$query && typeof query.$query === 'object' ? query.$query : query) as Doc;
  return { opCode: OP_QUERY, requestId, command: { ...command, $db: db }, moreToCome: false };
}

export function parseRequest(frame: Buffer): WireRequest {
  if (frame.length < HEADER_SIZE) throw new WireProtocolError('message shorter than its header');
  const requestId = frame.readInt32LE(4);
  const opCode = frame.readInt32LE(12);
  if (opCode === OP_MSG) return parseOpMsg(frame, requestId);
  if (opCode === OP_QUERY) return parseOpQuery(frame, requestId);
  throw new WireProtocolError(`unsupported opCode ${opCode}`);
}

let nextRequestId = 1;

function header(length: number, responseTo: number, opCode: number): Buffer {
  const buffer = Buffer.alloc(HEADER_SIZE);
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  buffer.writeInt32LE(responseTo, 8);
  buffer.writeInt32LE(opCode, 12);
  return buffer;
}

export function encodeReply(request: WireRequest, reply: Doc): Buffer {
  const body = serialize(reply);
  if (request.opCode === OP_QUERY) {
    const fields = Buffer.alloc(20);
    fields.writeInt32LE(REPLY_AWAIT_CAPABLE, 0); // responseFlags
    fields.writeBigInt64LE(0n, 4); // cursorID
    fields.writeInt32LE(0, 12); // startingFrom
    fields.writeInt32LE(1, 16); // numberReturned
    const length = HEADER_SIZE + fields.length + body.length;
    return Buffer.concat([header(length, request.requestId, OP_REPLY), fields, body]);
  }
  const flagsAndKind = Buffer.alloc(5); // flagBits 0, section kind 0
  const length = HEADER_SIZE + flagsAndKind.length + body.length;
  return Buffer.concat([header(length, request.requestId, OP_MSG), flagsAndKind, body]);
}
