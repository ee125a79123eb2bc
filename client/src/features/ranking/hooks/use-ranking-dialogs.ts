import { useState } from 'react';
import { useForm } from 'react-hook-form';

/** `confirm-…` come before rankings sent only once confirmed: the order as shown (it is random), every answer tied (it orders nothing). */
export type RankingDialog = 'guidelines' | 'shortcuts' | 'confirm-untouched' | 'confirm-all-tied' | 'skip';

/**
 * Which dialog of the ranking page is open (one at most), and the skip form, whose reason is kept
 * when the skip dialog is closed and opened again. No zod here: the ranking route stays small (decision 0003).
 */
export function useRankingDialogs() {
  const [open, setOpen] = useState<RankingDialog | null>(null);
  const skipForm = useForm<{ reason: string }>({ defaultValues: { reason: '' } });
  return { open, show: setOpen, close: () => setOpen(null), skipForm };
}

export type RankingDialogs = ReturnType<typeof useRankingDialogs>;
