// Reads the AI-provenance record (written by the extension under the git directory) to mark
// findings in AI-origin text. Missing or unreadable records mean "origin unknown", never failure:
// the record is advisory and lives outside version control.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { AiOrigin } from '../findings';

/**
 * The shape read here: `{ version: 1, files: { [repoPath]: [{ blob?, sha256?, startLine, endLine, origin }] } }`.
 * `blob` is the git blob id of the file content the ranges refer to; ranges for other content are ignored.
 */
export interface ProvenanceSpan {
  blob?: string;
  startLine: number;
  endLine: number;
  origin: AiOrigin;
}

export type ProvenanceRecord = Map<string, ProvenanceSpan[]>;

export const PROVENANCE_FILE = 'foureyes/provenance.json';

export function loadProvenance(commonDir: string, gitDir: string): ProvenanceRecord | undefined {
  for (const dir of [gitDir, commonDir]) {
    let text: string;
    try {
      text = readFileSync(path.join(dir, PROVENANCE_FILE), 'utf8');
    } catch {
      continue;
    }
    try {
      const data = JSON.parse(text) as { version?: number; files?: Record<string, ProvenanceSpan[]> };
      if (data.version !== 1 || !data.files || typeof data.files !== 'object') return undefined;
      const map: ProvenanceRecord = new Map();
      for (const [p, spans] of Object.entries(data.files)) {
        if (Array.isArray(spans)) map.set(p, spans.filter((s) => s && typeof s.startLine === 'number' && typeof s.endLine === 'number' && typeof s.origin === 'string'));
      }
      return map;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function lookupAiOrigin(record: ProvenanceRecord, file: string, blob: string, startLine: number, endLine: number): AiOrigin | undefined {
  const spans = record.get(file);
  if (!spans) return undefined;
  const hit = spans.find((s) => (!s.blob || s.blob === blob) && s.startLine <= endLine && s.endLine >= startLine);
  return hit?.origin;
}
