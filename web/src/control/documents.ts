/** The operations of the task actions (revoke, terminate, re-send); typed by codegen like ../graphql/documents.ts. */
import { graphql } from '../graphql/generated/index.ts';

export const Viewer = graphql(`
  query Viewer { viewer { principal canControl } }
`);

export const RevokeTask = graphql(`
  mutation RevokeTask($id: ID!, $terminate: Boolean!) { revokeTask(id: $id, terminate: $terminate) { id } }
`);

export const ResendTask = graphql(`
  mutation ResendTask($id: ID!) { resendTask(id: $id) { id } }
`);
