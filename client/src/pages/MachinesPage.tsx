import { useQuery } from 'urql';
import { StateDiagram } from '../diagram/StateDiagram';
import { graphql, useFragment, type FragmentType } from '../gql';

export const MachineCard_machine = graphql(`
  fragment MachineCard_machine on MachineDefinition {
    name
    definition
  }
`);

const Machines = graphql(`
  query Machines {
    machines {
      name
      ...MachineCard_machine
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
        <MachineCard key={machine.name} machine={machine} />
      ))}
    </div>
  );
}

/** One machine: its diagram and its JSON to download. */
function MachineCard(props: { machine: FragmentType<typeof MachineCard_machine> }) {
  const machine = useFragment(MachineCard_machine, props.machine);
  return (
    <section className="card diagram-card" aria-labelledby={`machine-${machine.name}`}>
      <div className="row spread">
        <h2 id={`machine-${machine.name}`}>{machine.name}</h2>
        <button type="button" className="button" onClick={() => download(machine.name, machine.definition)}>
          Download JSON
        </button>
      </div>
      <StateDiagram definition={machine.definition} title={`${machine.name} machine`} />
    </section>
  );
}
