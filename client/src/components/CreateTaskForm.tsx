import { ErrorText } from './ErrorText';
import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import { tasks } from '../stores';

const CreateTask = graphql(`
  mutation CreateTask($input: CreateTaskInput!) {
    createTask(input: $input) {
      ...LiveTask_task
    }
  }
`);

export function CreateTaskForm() {
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [isPrivate, setPrivate] = useState(false);
  const [{ fetching, error }, create] = useMutation(CreateTask);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await create({ input: { title, description: description || null, private: isPrivate } });
    if (result.data) {
      tasks.apply(result.data.createTask, { isNew: true });
      // Clear only what was sent: the live stream can show the new task before this response
      // arrives, and whatever the user has typed since then must not be wiped.
      setTitle((current) => (current === title ? '' : current));
      setDescription((current) => (current === description ? '' : current));
      setPrivate((current) => (current === isPrivate ? false : current));
    }
  }

  return (
    <form className="card create-form" onSubmit={submit} aria-labelledby="create-heading">
      <h2 id="create-heading">New task</h2>
      <label htmlFor="task-title">Title</label>
      <input id="task-title" required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} placeholder="Add dark mode to settings" />
      <label htmlFor="task-description">Description</label>
      <textarea
        id="task-description"
        rows={3}
        maxLength={10000}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        placeholder="What should change, where, and how we know it is done"
      />
      <div className="row">
        <label className="checkbox">
          <input type="checkbox" checked={isPrivate} onChange={(e) => setPrivate(e.target.checked)} /> Private (only you can see it)
        </label>
        <button type="submit" className="button primary" disabled={fetching || title.trim() === ''}>
          {fetching ? 'Creating…' : 'Create task'}
        </button>
      </div>
      <ErrorText error={error} />
    </form>
  );
}
