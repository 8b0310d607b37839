import type { Connection, Paged } from '../use-paged.ts';
/** The head of a live list (Tasks, Failures): its count, and whether it follows the first page live. */
export function ListHead({
  testId,
  count,
  text,
  live,
  onBackToLive,
}: {
  testId: string;
  count: number | null;
  text: string;
  live: boolean;
  onBackToLive: () => void;
}) {
  return (
    <div className="list-head">
      <p role="status" data-testid={testId} data-count={count ?? ''}>
        {text}
      </p>
      {live ? (
        <span className="muted live-note">live</span>
      ) : (
        <button type="button" className="secondary" onClick={onBackToLive}>
          Back to the first page (live)
        </button>
      )}
    </div>
  );
}

/** The foot of a live list: the next page, while there is one. */
export function LoadMore({
  list,
  pageSize,
}: {
  list: Pick<Paged<Connection<unknown>>, 'hasNextPage' | 'loadingMore' | 'loadMore'>;
  pageSize: number;
}) {
  if (!list.hasNextPage) return null;
  return (
    <button type="button" className="more" data-testid="load-more" disabled={list.loadingMore} onClick={list.loadMore}>
      {list.loadingMore ? 'Loading…' : `Next ${pageSize}`}
    </button>
  );
}
