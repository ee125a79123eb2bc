import { integer, text } from 'drizzle-orm/sqlite-core';

/** Primary key shared by every table: SQLite's rowid, exposed to clients as a string. */
export const id = () => integer('id').primaryKey({ autoIncrement: true });

/** Milliseconds since the epoch; exports and the API turn them into ISO strings. */
export const timestamp = (name: string) => integer(name);

export const createdAt = () =>
  timestamp('created_at')
    .notNull()
    .$defaultFn(() => Date.now());

export const json = <T>(name: string) => text(name, { mode: 'json' }).$type<T>();
