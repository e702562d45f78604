import { describe, expect, it } from 'vitest';
import { parseIssueRef, githubIssueState, jiraIssueState } from '../src/domain/bug-refs.js';
import { reportSections, withoutAddresses } from '../src/domain/bug-report.js';
import { adfDocument } from '../src/trackers/adf.js';

const both = { github: { repository: 'acme/app' }, jira: { baseUrl: 'https://acme.atlassian.net', project: 'APP' } };

describe('naming an issue, and what goes to a tracker', () => {
  it('reads GitHub URLs (any host), owner/name#n and #n of the configured repository, Jira URLs and keys', () => {
    expect(parseIssueRef(both, 'https://github.com/acme/app/issues/12')).toEqual({
      tracker: 'github',
      ref: 'acme/app#12',
    });
    expect(parseIssueRef(both, '<https://git.acme.internal/acme/app/issues/7#issuecomment-1>')).toEqual({
      tracker: 'github',
      ref: 'acme/app#7',
    });
    expect(parseIssueRef(both, 'acme/app#3')).toEqual({ tracker: 'github', ref: 'acme/app#3' });
    expect(parseIssueRef(both, '#3')).toEqual({ tracker: 'github', ref: 'acme/app#3' });
    expect(parseIssueRef(both, 'https://github.com/other/repo/issues/12')).toBeUndefined();
    expect(parseIssueRef(both, 'https://acme.atlassian.net/browse/APP-41')).toEqual({ tracker: 'jira', ref: 'APP-41' });
    expect(parseIssueRef(both, 'OPS-2')).toEqual({ tracker: 'jira', ref: 'OPS-2' });
    expect(parseIssueRef({ github: both.github }, 'APP-41')).toBeUndefined();
    expect(parseIssueRef(both, '12')).toBeUndefined();
  });

  it('maps tracker states: GitHub closed as completed is a fix, not planned is not; Jira done is a fix', () => {
    expect(githubIssueState({ state: 'closed', state_reason: 'completed' })).toBe('fixed');
    expect(githubIssueState({ state: 'closed', state_reason: 'not_planned' })).toBe('closed');
    expect(githubIssueState({ state: 'open', state_reason: 'reopened' })).toBe('open');
    expect(jiraIssueState('done')).toBe('fixed');
    expect(jiraIssueState('indeterminate')).toBe('open');
  });

  it('takes every email address out of what goes to a tracker', () => {
    expect(withoutAddresses('Mail ada.l+x@mail.example.co.uk or <bob@example.com>.')).toBe(
      'Mail [address removed] or <[address removed]>.',
    );
    const sections = reportSections(
      { title: 't', steps: 'write to eve@example.com', expected: '', actual: 'x', environment: '', impact: '' },
      'SUP-1',
    );
    expect(JSON.stringify(sections)).not.toContain('@');
    expect(sections.find((s) => s.heading === 'Expected result')!.text).toBe('(not given)');
  });

  it('writes Jira descriptions as valid ADF: no empty text nodes, line breaks as hardBreak', () => {
    const doc = adfDocument([{ heading: 'Steps', text: 'one\n\ntwo\nthree\n' }]);
    expect(doc.content).toEqual([
      { type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: 'Steps' }] },
      { type: 'paragraph', content: [{ type: 'text', text: 'one' }] },
      {
        type: 'paragraph',
        content: [{ type: 'text', text: 'two' }, { type: 'hardBreak' }, { type: 'text', text: 'three' }],
      },
    ]);
  });
});
