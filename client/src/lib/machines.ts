import { useQuery } from 'urql';
import { graphql } from '../gql';

const MachineDefinition = graphql(`
  query MachineDefinition($name: String!) {
    machine(name: $name) {
      name
      definition
    }
  }
`);

/** A machine definition from the server (cached by urql: definitions do not change at runtime). */
export function useMachineDefinition(name: 'task' | 'agent'): unknown {
  const [{ data }] = useQuery({ query: MachineDefinition, variables: { name }, requestPolicy: 'cache-first' });
  return data?.machine?.definition;
}
