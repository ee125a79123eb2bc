import { useEffect } from 'react';

const APP_NAME = 'Ordinal';

/**
 * Names the browser tab after the page, most specific first ("Ranking · Python quiz · Ordinal"), so
 * that a person with several tabs open tells them apart; parts not known yet are left out. The
 * title before is put back when the page goes.
 */
export function useDocumentTitle(...parts: Array<string | null | undefined>) {
  const title = [...parts.filter(Boolean), APP_NAME].join(' · ');
  useEffect(() => {
    const before = document.title;
    document.title = title;
    return () => {
      document.title = before;
    };
  }, [title]);
}
