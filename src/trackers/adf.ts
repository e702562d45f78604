/** Atlassian Document Format, the only rich text Jira Cloud's REST API v3 takes: just the nodes Deskbell writes. */
export interface AdfNode {
  type: string;
  attrs?: Record<string, unknown>;
  text?: string;
  content?: AdfNode[];
}

/** One paragraph per block of lines, line breaks kept as hard breaks (empty text nodes are invalid in ADF). */
function paragraphs(text: string): AdfNode[] {
  return text
    .trim()
    .split(/\n{2,}/)
    .map((block) => block.split('\n'))
    .map((lines) => ({
      type: 'paragraph',
      content: lines.flatMap((line, i) => [
        ...(i ? [{ type: 'hardBreak' }] : []),
        ...(line ? [{ type: 'text', text: line }] : []),
      ]),
    }))
    .filter((p) => p.content.some((n) => n.type === 'text'));
}

/** A document of titled sections: a level-3 heading and its paragraphs each. */
export function adfDocument(sections: Array<{ heading: string; text: string }>): AdfNode {
  return {
    type: 'doc',
    attrs: undefined,
    content: sections.flatMap((s) => [
      { type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: s.heading }] },
      ...paragraphs(s.text),
    ]),
  } as AdfNode;
}

/** A document of plain paragraphs (a comment). */
export function adfText(text: string): AdfNode {
  return { type: 'doc', content: paragraphs(text) };
}

/** ADF needs `version: 1` on the document. */
export function versioned(doc: AdfNode): AdfNode & { version: 1 } {
  const { attrs: _unused, ...rest } = doc;
  return { ...rest, version: 1 };
}
