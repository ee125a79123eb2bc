import { useForm } from 'react-hook-form';
import { startChatSchema } from '#shared/chats.ts';
import { formResolver } from '../../../lib/form-resolver.ts';

/** A new chat, with an optional system prompt. */
export function StartChatForm({ busy, onStart }: { busy: boolean; onStart: (system: string | undefined) => void }) {
  const { register, handleSubmit } = useForm({ resolver: formResolver(startChatSchema), defaultValues: { system: '' } });
  return (
    <div className="form">
      <p className="muted">
        Talk with the model as a user would. When you end the chat, one of its answers is picked at random and other trainers rank it against freshly sampled
        alternatives.
      </p>
      <label>
        System prompt (optional)
        <textarea rows={3} {...register('system')} />
      </label>
      <div className="actions start">
        <button type="button" className="primary" onClick={() => void handleSubmit(({ system }) => onStart(system || undefined))()} disabled={busy}>
          Start chat
        </button>
      </div>
    </div>
  );
}
