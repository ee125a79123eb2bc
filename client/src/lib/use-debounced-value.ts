import { useEffect, useState } from 'react';

/** `value` once it has stopped changing for `ms`: a query keyed on it then asks once per pause, not once per keystroke. */
export function useDebouncedValue<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
