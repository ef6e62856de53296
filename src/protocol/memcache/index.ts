// Memcache framing: the text (classic and meta) request parser and reply encoders.
export { Data, isDigits, isWord, MAX_KEY_BYTES, MAX_LINE_WITHOUT_NEWLINE, parseNumber, TextParser, type TextLimits } from "./text.ts";
export { type ByteSink, putDecimal, Replies, writeBytes, writeCrlf, writeLine, writeValue } from "./reply.ts";
export { BINARY_HEADER_BYTES, BinaryParser, BinaryStatus, type BinaryLimits, Opcode, readU32, readU64BE, REQUEST_MAGIC, RESPONSE_MAGIC } from "./binary.ts";
export { writeBinaryCounter, writeBinaryError, writeBinaryHeader, writeBinaryKeyMiss, writeBinaryOk, writeBinaryStat, writeBinaryText, writeBinaryValue } from "./binary-reply.ts";
