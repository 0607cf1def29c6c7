/**
 * The dashboard's search box and sort control. The search goes to the URL (`q`, lib/filters.ts)
 * once typing pauses (SEARCH_DEBOUNCE_MS), at once on Enter, and is cleared by its button or
 * Escape; a search is ranked by the server, so the sort waits, disabled, until it is cleared.
 */
import { useEffect, useRef, useState } from 'react';
import { MAX_SEARCH, type DashboardSort } from '../lib/filters';

export const SEARCH_DEBOUNCE_MS = 300;

export function SearchBar(props: { q: string; sort: DashboardSort; onSearch: (q: string) => void; onSort: (sort: DashboardSort) => void }) {
  const { q, sort, onSearch, onSort } = props;
  const [text, setText] = useState(q);
  /** The search last sent to the URL: a `q` that differs came from elsewhere (a link, "Clear filters"). */
  const sent = useRef(q);
  useEffect(() => {
    if (q === sent.current) return;
    sent.current = q;
    setText(q);
  }, [q]);
  const send = (value: string) => {
    const trimmed = value.trim();
    if (trimmed === sent.current) return;
    sent.current = trimmed;
    onSearch(trimmed);
  };
  useEffect(() => {
    if (text.trim() === sent.current) return;
    const timer = setTimeout(() => send(text), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  });
  const clear = () => {
    setText('');
    send('');
  };
  return (
    <section className="card search-bar" aria-label="Search and sort">
      <form
        role="search"
        className="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          send(text);
        }}
      >
        <label htmlFor="task-search" className="visually-hidden">
          Search tasks
        </label>
        <input
          id="task-search"
          type="search"
          value={text}
          maxLength={MAX_SEARCH}
          placeholder="Search titles, descriptions, branches, issue and PR numbers"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') clear();
          }}
        />
        {text ? (
          <button type="button" className="search-clear" aria-label="Clear search" title="Clear search (Esc)" onClick={clear}>
            ×
          </button>
        ) : null}
      </form>
      <fieldset className="segmented sort" disabled={q !== ''} title={q ? 'A search is ranked by best match; clear it to sort' : undefined}>
        <legend>Sort</legend>
        {(['created', 'updated'] as const).map((value) => (
          <label key={value} className={!q && sort === value ? 'selected' : ''}>
            <input type="radio" name="sort" value={value} checked={!q && sort === value} onChange={() => onSort(value)} />
            {value === 'created' ? 'Newest' : 'Recently updated'}
          </label>
        ))}
        {q ? <span className="sort-note muted">Best match first</span> : null}
      </fieldset>
    </section>
  );
}
