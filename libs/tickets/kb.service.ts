import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { decodeCursor, encodeCursor, pageLimit, type Page } from '../common/pagination.js';
import { searchTerms } from './kb-terms.js';
import { KbRepository, type KbArticleRow } from './kb.repository.js';

export interface KbArticleInput {
  title: string;
  body: string;
  tags?: string[];
}

export interface KbArticleView {
  id: string;
  title: string;
  body: string;
  tags: string[];
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  /** Times used as a ticket reply (in the category searched for, when a category was given). */
  uses?: number;
  score?: number;
}

function toView(r: KbArticleRow): KbArticleView {
  const v: KbArticleView = {
    id: r.id,
    title: r.title,
    body: r.body,
    tags: r.tags,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
  if (r.uses !== undefined) v.uses = Number(r.uses);
  if (r.score !== undefined) v.score = Math.round(Number(r.score) * 1000) / 1000;
  return v;
}

/** Suggestions need at least this much overlap (weighted hits / sqrt(query terms)) to be worth showing. */
const SUGGEST_MIN_SCORE = 0.5;

/** The knowledge base: articles searchable in Chinese and English, learning from which ones answer tickets. */
@Injectable()
export class KbService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: KbRepository,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: KbArticleInput): Promise<KbArticleView> {
    this.requireEditor(actor);
    const tags = normalizeTags(input.tags);
    return this.dataSource.transaction(async (em) => {
      const row = await this.repo.insert(em, {
        title: input.title.trim(),
        body: input.body,
        tags,
        titleTerms: searchTerms(input.title),
        terms: searchTerms(input.title, input.body, tags.join(' ')),
        createdBy: actor.kind === 'staff' ? actor.id : null,
        at: this.clock.now(),
      });
      return toView(row);
    });
  }

  async update(actor: Actor, id: string, patch: Partial<KbArticleInput>): Promise<KbArticleView> {
    this.requireEditor(actor);
    return this.dataSource.transaction(async (em) => {
      if (!(await this.repo.lock(em, id))) throw DomainError.notFound('article', id);
      const current = (await this.repo.findById(id, em))!;
      const title = patch.title?.trim() ?? current.title;
      const body = patch.body ?? current.body;
      const tags = patch.tags ? normalizeTags(patch.tags) : current.tags;
      return toView(
        await this.repo.update(em, id, {
          title,
          body,
          tags,
          titleTerms: searchTerms(title),
          terms: searchTerms(title, body, tags.join(' ')),
          at: this.clock.now(),
        }),
      );
    });
  }

  async get(id: string): Promise<KbArticleView & { usesByCategory: Record<string, number> }> {
    const row = await this.repo.findById(id);
    if (!row) throw DomainError.notFound('article', id);
    const usesByCategory = await this.repo.usesByCategory(id);
    return { ...toView(row), uses: Object.values(usesByCategory).reduce((a, b) => a + b, 0), usesByCategory };
  }

  /** `q` ranks by term overlap (all articles, most used first, without it); offset cursors keep the rank order. */
  async search(f: { q?: string; tag?: string; category?: string; limit?: number; cursor?: string }): Promise<Page<KbArticleView>> {
    const limit = pageLimit(f.limit);
    const offset = Number(decodeCursor(f.cursor, 1)?.[0] ?? 0);
    if (!Number.isSafeInteger(offset) || offset < 0) throw DomainError.field('cursor', 'is not a cursor returned by this list');
    const terms = searchTerms(f.q);
    if (f.q && f.q.trim() && !terms.length) return { items: [], nextCursor: null };
    const rows = await this.repo.search({ terms, tag: f.tag?.toLowerCase(), category: f.category, limit: limit + 1, offset, minScore: 0 });
    const more = rows.length > limit;
    return { items: rows.slice(0, limit).map(toView), nextCursor: more ? encodeCursor([offset + limit]) : null };
  }

  /** Best-matching articles for a ticket's text; uses in the ticket's category lift an article. */
  async suggest(text: string, category: string, limit = 3): Promise<KbArticleView[]> {
    const terms = searchTerms(text);
    if (!terms.length) return [];
    const rows = await this.repo.search({ terms, category, limit, offset: 0, minScore: SUGGEST_MIN_SCORE });
    return rows.map((r) => {
      const v = toView(r);
      return { id: v.id, title: v.title, tags: v.tags, score: v.score, uses: v.uses } as KbArticleView;
    });
  }

  private requireEditor(actor: Actor): void {
    if (actor.kind !== 'staff' || (actor.role !== 'admin' && actor.role !== 'supervisor')) {
      throw DomainError.forbidden('Only admins and supervisors can edit the knowledge base');
    }
  }
}

function normalizeTags(tags: string[] | undefined): string[] {
  return [...new Set((tags ?? []).map((t) => t.trim().toLowerCase()).filter(Boolean))];
}
