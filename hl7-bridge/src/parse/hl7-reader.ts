// Typed read access to one parsed message. node-hl7-client's Message does the structural parsing
// (segments, fields, repetitions, components, subcomponents, and the MSH-1 offset); values are
// taken raw from it and unescaped by ../encoding/hl7-escape.ts, which decodes \X..\ in the
// message's own character set (see there why not the library's decoder).

import { EmptyNode, Message, type HL7Node } from 'node-hl7-client';
import type { Hl7Charset } from '../encoding/decode-charset.ts';
import type { Hl7Delimiters } from '../encoding/hl7-delimiters.ts';
import { unescapeText } from '../encoding/hl7-escape.ts';

interface ValueContext {
  readonly delimiters: Hl7Delimiters;
  readonly charset: Hl7Charset;
}

/** HL7 "" (explicit null, section 2.5.3) reads as empty: we do not distinguish delete from absent. */
function clean(value: string): string {
  const trimmed = value.trim();
  return trimmed === '""' ? '' : trimmed;
}

/** node-hl7-client answers a missing child with an EmptyNode, whose toRaw() throws. */
function rawOf(node: HL7Node): string {
  return node instanceof EmptyNode ? '' : node.toRaw();
}

/** One repetition of a field. Components and subcomponents are 1-based, as in HL7 notation. */
export class RepetitionReader {
  readonly #node: HL7Node;
  readonly #context: ValueContext;

  constructor(node: HL7Node, context: ValueContext) {
    this.#node = node;
    this.#context = context;
  }

  value(component = 1, subcomponent = 1): string {
    const componentNode = this.#node.get(component - 1);
    const raw = componentNode instanceof EmptyNode ? '' : rawOf(componentNode.get(subcomponent - 1));
    return clean(unescapeText(raw, this.#context.delimiters, this.#context.charset));
  }

  isEmpty(): boolean {
    return clean(rawOf(this.#node)) === '';
  }
}

export class SegmentReader {
  readonly name: string;
  /** 1-based occurrence of this segment name in the message (ERR-2.2). */
  readonly sequence: number;
  readonly #node: HL7Node;
  readonly #context: ValueContext;
  readonly #repetitions = new Map<number, RepetitionReader[]>();

  constructor(node: HL7Node, sequence: number, context: ValueContext) {
    this.name = node.name;
    this.sequence = sequence;
    this.#node = node;
    this.#context = context;
  }

  #field(field: number): HL7Node {
    // Children by index: child 0 is the segment name, so field n is child n, except in MSH where
    // MSH-1 (the field separator) has no child of its own and MSH-n is child n - 1.
    return this.#node.get(this.name === 'MSH' ? field - 1 : field);
  }

  /** Every non-empty repetition of a field. */
  repetitions(field: number): RepetitionReader[] {
    let readers = this.#repetitions.get(field);
    if (readers === undefined) {
      readers = [];
      for (const repetition of this.#field(field).toArray()) {
        const reader = new RepetitionReader(repetition, this.#context);
        if (!reader.isEmpty()) readers.push(reader);
      }
      this.#repetitions.set(field, readers);
    }
    return readers;
  }

  /** A component of the first repetition, unescaped and trimmed; '' when absent. */
  value(field: number, component = 1, subcomponent = 1): string {
    return this.repetitions(field)[0]?.value(component, subcomponent) ?? '';
  }

  has(field: number): boolean {
    return this.repetitions(field).length > 0;
  }
}

export class MessageReader {
  readonly segments: readonly SegmentReader[];

  /** `text` is the decoded message with CR segment separators (../encoding/normalise-segments.ts). */
  constructor(text: string, delimiters: Hl7Delimiters, charset: Hl7Charset) {
    const message = new Message({ text });
    const context = { delimiters, charset };
    const counts = new Map<string, number>();
    this.segments = message.toArray().map((node) => {
      const sequence = (counts.get(node.name) ?? 0) + 1;
      counts.set(node.name, sequence);
      return new SegmentReader(node, sequence, context);
    });
  }

  all(name: string): SegmentReader[] {
    return this.segments.filter((segment) => segment.name === name);
  }

  first(name: string): SegmentReader | undefined {
    return this.segments.find((segment) => segment.name === name);
  }
}
