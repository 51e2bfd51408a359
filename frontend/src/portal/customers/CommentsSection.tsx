/** Staff comments on the customer, newest first, with who wrote them and when; "Add comment" for REP and up. */
import { useState } from 'react';

import { useCan } from '../auth/viewer';
import { graphql } from '../gql';
import { Button } from '../ui/Button';
import { errorFor, unplaced } from '../ui/errors';
import { TextArea } from '../ui/Field';
import { formatDateTime } from '../ui/format';
import { Empty, FormErrors } from '../ui/States';
import { useAction } from '../ui/useAction';
import { ShowMore, usePageSize } from './paging';
import { Section, useSectionQuery } from './Section';

const CustomerComments = graphql(`
  query CustomerComments($id: ID!, $first: Int!) {
    customer(id: $id) {
      id
      comments(first: $first) {
        totalCount
        pageInfo {
          hasNextPage
        }
        edges {
          node {
            id
            body
            createdAt
            author {
              id
              email
            }
          }
        }
      }
    }
  }
`);

const CustomerCommentAdd = graphql(`
  mutation CustomerCommentAdd($input: AddCommentInput!) {
    addComment(input: $input) {
      comment {
        id
        body
        createdAt
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export function CommentsSection({ customerId }: { customerId: string }) {
  const canEdit = useCan('REP');
  const page = usePageSize();
  const query = useSectionQuery({ query: CustomerComments, variables: { id: customerId, first: page.first } });
  const { data } = query;
  const connection = data?.customer?.comments;
  const comments = connection?.edges ?? [];
  return (
    <Section title="Comments" query={query}>
      {canEdit ? <AddCommentForm customerId={customerId} onAdded={query.refresh} /> : null}
      {connection && comments.length === 0 ? <Empty>No comments yet.</Empty> : null}
      {comments.length ? (
        <ol className="cust-comments">
          {comments.map(({ node }) => (
            <li key={node.id} className="cust-comment">
              <p className="cust-comment-body">{node.body}</p>
              <p className="muted cust-comment-meta">
                {node.author?.email ?? 'API key'} · <time dateTime={node.createdAt}>{formatDateTime(node.createdAt)}</time>
              </p>
            </li>
          ))}
        </ol>
      ) : null}
      <ShowMore page={page} hasNextPage={connection?.pageInfo.hasNextPage} fetching={query.fetching}>
        Show older comments
      </ShowMore>
    </Section>
  );
}

function AddCommentForm({ customerId, onAdded }: { customerId: string; onAdded: () => void }) {
  const [body, setBody] = useState('');
  const [blank, setBlank] = useState(false);
  const action = useAction(CustomerCommentAdd, (data) => data.addComment);
  const submit = async () => {
    if (!body.trim()) {
      setBlank(true);
      return;
    }
    setBlank(false);
    if (await action.run({ input: { customerId, body } })) {
      setBody('');
      onAdded();
    }
  };
  return (
    <form
      className="cust-comment-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <TextArea
        label="Comment"
        value={body}
        maxLength={5000}
        rows={3}
        onChange={(event) => setBody(event.target.value)}
        error={blank ? 'Write a comment first.' : errorFor(action.errors, 'body')}
      />
      <FormErrors errors={unplaced(action.errors, ['body'])} failure={action.failure} />
      <Button type="submit" variant="primary" busy={action.busy}>
        Add comment
      </Button>
    </form>
  );
}
