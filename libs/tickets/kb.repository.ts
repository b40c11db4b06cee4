import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface KbArticleRow {
  id: string;
  title: string;
  body: string;
  tags: string[];
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  uses?: number;
  score?: number;
}

const COLS = 'a.id, a.title, a.body, a.tags, a.created_by, a.created_at, a.updated_at';

/** Knowledge-base articles, their search terms and the record of which articles answered which tickets. */
@Injectable()
export class KbRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    em: EntityManager,
    a: { title: string; body: string; tags: string[]; titleTerms: string[]; terms: string[]; createdBy: string | null; at: Date },
  ): Promise<KbArticleRow> {
    const [row] = await em.query(
      `insert into kb_articles as a (title, body, tags, title_terms, terms, created_by, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $7) returning ${COLS}`,
      [a.title, a.body, a.tags, a.titleTerms, a.terms, a.createdBy, a.at],
    );
    return row;
  }

  async update(
    em: EntityManager,
    id: string,
    a: { title: string; body: string; tags: string[]; titleTerms: string[]; terms: string[]; at: Date },
  ): Promise<KbArticleRow> {
    const [[row]] = await em.query(
      `update kb_articles a set title = $2, body = $3, tags = $4, title_terms = $5, terms = $6, updated_at = $7 where id = $1 returning ${COLS}`,
      [id, a.title, a.body, a.tags, a.titleTerms, a.terms, a.at],
    );
    return row;
  }

  async findById(id: string, em?: EntityManager): Promise<KbArticleRow | null> {
    const [row] = await (em ?? this.dataSource.manager).query(`select ${COLS} from kb_articles a where a.id = $1`, [id]);
    return row ?? null;
  }

  async usesByCategory(id: string): Promise<Record<string, number>> {
    const rows: Array<{ category: string; n: number }> = await this.dataSource.query(
      `select category, count(*)::int as n from kb_article_uses where article_id = $1 group by category`,
      [id],
    );
    return Object.fromEntries(rows.map((r) => [r.category, r.n]));
  }

  /**
   * Ranked search over the stored terms (GIN `&&` narrows the candidates): title hits count double; an
   * article that answered a question worded like this one scores that question's overlap too (so it is found
   * even without shared words); and uses on tickets of the same category add a bonus growing with their number.
   */
  search(f: { terms: string[]; tag?: string; category?: string; limit: number; offset: number; minScore: number }): Promise<KbArticleRow[]> {
    const hasTerms = f.terms.length > 0;
    return this.dataSource.query(
      `with c as (
         select ${COLS},
                cardinality(array(select unnest(a.title_terms) intersect select unnest($1::text[]))) as title_hits,
                cardinality(array(select unnest(a.terms) intersect select unnest($1::text[]))) as hits,
                (select count(*) from kb_article_uses u where u.article_id = a.id and ($3::text is null or u.category = $3))::int as uses,
                coalesce((select max(cardinality(array(select unnest(u.question_terms) intersect select unnest($1::text[]))))
                            from kb_article_uses u where u.article_id = a.id and u.question_terms && $1::text[]), 0) as learned_hits
           from kb_articles a
          where ($2::text is null or $2 = any(a.tags))
            and (not $6 or a.terms && $1::text[]
                 or exists (select 1 from kb_article_uses u where u.article_id = a.id and u.question_terms && $1::text[]))
       )
       select id, title, body, tags, created_by, created_at, updated_at, uses,
              case when $6 then (2.0 * title_hits + hits + learned_hits) / sqrt(greatest(cardinality($1::text[]), 1)) + ln(1 + uses) * 0.5 else ln(1 + uses) end as score
         from c
        where not $6 or (2.0 * title_hits + hits + learned_hits) / sqrt(greatest(cardinality($1::text[]), 1)) >= $7
        order by score desc, updated_at desc, id
        limit $4 offset $5`,
      [f.terms, f.tag ?? null, f.category ?? null, f.limit, f.offset, hasTerms, f.minScore],
    );
  }

  async recordUse(
    em: EntityManager,
    u: { articleId: string; ticketId: string; messageId: string; staffId: string | null; category: string; questionTerms: string[]; at: Date },
  ): Promise<void> {
    await em.query(
      `insert into kb_article_uses (article_id, ticket_id, message_id, staff_id, category, question_terms, created_at) values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (message_id) do nothing`,
      [u.articleId, u.ticketId, u.messageId, u.staffId, u.category, u.questionTerms, u.at],
    );
  }

  /** Locks an article for a change; false when there is none. */
  async lock(em: EntityManager, id: string): Promise<boolean> {
    return (await em.query(`select id from kb_articles where id = $1 for update`, [id])).length > 0;
  }
}
