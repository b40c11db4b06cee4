import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The knowledge base learns from replies: each use of an article as a ticket reply keeps the question's
 * search terms, so later questions worded like it find the article even without shared words in the article.
 */
export class KbLearning1764100007001 implements MigrationInterface {
  name = 'KbLearning1764100007001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table kb_article_uses add column question_terms text[] not null default '{}'`);
    await q.query(`create index kb_article_uses_terms_gin on kb_article_uses using gin (question_terms)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index if exists kb_article_uses_terms_gin`);
    await q.query(`alter table kb_article_uses drop column if exists question_terms`);
  }
}
