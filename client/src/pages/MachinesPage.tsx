import { useQuery } from 'urql';
import { StateDiagram } from '../diagram/StateDiagram';
import { graphql } from '../gql';

const Machines = graphql(`
  query Machines {
    machines {
      name
      definition
    }
  }
`);

function download(name: string, definition: unknown) {
  const blob = new Blob([JSON.stringify(definition, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name}-machine.json`;
  a.click();
  URL.revokeObjectURL(url);
}

/** Every machine the server runs, for visualizer users; the same JSON is at `{ machines }`. */
export function MachinesPage() {
  const [{ data, error }] = useQuery({ query: Machines });
  return (
    <div className="machines-page">
      <h1>State machines</h1>
      <p className="muted">
        The definitions the server runs, as XState JSON. Query them yourself with <code>{'{ machines { name definition } }'}</code>.
      </p>
      {error ? <p role="alert" className="error-text">{error.message}</p> : null}
      {data?.machines.map((machine) => (
        <section key={machine.name} className="card diagram-card" aria-labelledby={`machine-${machine.name}`}>
          <div className="row spread">
            <h2 id={`machine-${machine.name}`}>{machine.name}</h2>
            <button type="button" className="button" onClick={() => download(machine.name, machine.definition)}>
              Download JSON
            </button>
          </div>
          <StateDiagram definition={machine.definition} title={`${machine.name} machine`} />
        </section>
      ))}
    </div>
  );
}
