import { Schema, Types, type Connection, type InferSchemaType } from 'mongoose';

const actorSchema = new Schema({ type: { type: String, required: true }, id: String, name: String }, { _id: false });

/** The words of one version of an article, as an agent saved them. */
const contentFields = {
  title: { type: String, required: true },
  /** The problem as the requester put it. */
  problem: { type: String, default: '' },
  cause: { type: String, default: '' },
  fix: { type: String, required: true },
  /** How to check that it works. */
  verify: { type: String, default: '' },
  /** For the team only: never on the public page or in a mail. */
  internalNotes: { type: String, default: '' },
  visibility: { type: String, enum: ['internal', 'public'], required: true, default: 'internal' },
};

const revisionSchema = new Schema(
  {
    version: { type: Number, required: true },
    at: { type: Date, required: true },
    by: { type: actorSchema, required: true },
    /** The form submission that saved it (the modal's view id): a redelivered submission saves nothing more. */
    requestKey: String,
    ...contentFields,
  },
  { _id: false },
);

/**
 * A knowledge-base article (src/domain/knowledge.ts): a solved case written up by an agent, versioned (the
 * current words at the top level, every version in `revisions`), linked to the tickets it came from.
 */
export const articleSchema = new Schema(
  {
    /** `KB-<number>`; the public page is `/help/<number>-<words of the title>`. */
    number: { type: Number, required: true, unique: true },
    ...contentFields,
    version: { type: Number, required: true, default: 1 },
    /** The latest versions, oldest first (at most 50; the current one is last). */
    revisions: { type: [revisionSchema], default: [] },
    /** The tickets it was written from. */
    sources: {
      type: [new Schema({ ticketId: Types.ObjectId, key: String, subject: String }, { _id: false })],
      default: [],
    },
    /** Normalised subjects it answers (its title's and its source tickets'): recurring subjects it covers. */
    subjectKeys: { type: [String], default: [] },
    /** How often it was sent by an agent, viewed on its public page, and solved a ticket by self-help. */
    stats: {
      sent: { type: Number, default: 0 },
      views: { type: Number, default: 0 },
      solved: { type: Number, default: 0 },
    },
    /** sent + views + solved: `/support kb` lists the most used first. */
    uses: { type: Number, default: 0 },
    /** The latest replies that sent it (their form ids): a redelivered submission counts once. */
    sentKeys: { type: [String], default: [] },
    /** A fresh ObjectId at every save: other processes' search indexes catch up on the articles above theirs. */
    syncId: { type: Schema.Types.ObjectId, required: true },
    createdBy: { type: actorSchema, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { minimize: false, timestamps: false, versionKey: false },
);

articleSchema.index({ syncId: 1 });
articleSchema.index({ subjectKeys: 1 });
articleSchema.index({ uses: -1, number: -1 });
// A form saved twice (Slack redelivers submissions) creates one article.
articleSchema.index({ 'revisions.requestKey': 1 }, { unique: true, sparse: true });

export type ArticleFields = InferSchemaType<typeof articleSchema>;

export function articleModel(conn: Connection) {
  return conn.model('Article', articleSchema, 'articles');
}

/** A loaded article document (the schema has no `__v`: revisions are guarded by `version`). */
export type ArticleDoc = NonNullable<Awaited<ReturnType<ReturnType<typeof articleModel>['findOne']>>>;
