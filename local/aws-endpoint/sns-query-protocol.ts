import { randomUUID } from 'node:crypto';
import type { LocalTopics, MessageAttribute } from '../sns/local-topics';
import { AwsServiceError } from './aws-errors';
import { xmlEscape, type AwsRequest, type AwsResponse } from './http-exchange';

const NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

/** SNS speaks the AWS Query protocol: a form-encoded request and an XML answer. */
export function handleSnsQuery(request: AwsRequest, topics: LocalTopics): AwsResponse {
  const requestId = randomUUID();
  const form = new URLSearchParams(request.body.toString('utf8'));
  const action = form.get('Action') ?? '';
  try {
    switch (action) {
      case 'Publish': {
        const topicArn = form.get('TopicArn') ?? form.get('TargetArn');
        if (topicArn === null)
          throw new AwsServiceError(
            'InvalidParameter',
            'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter',
          );
        const subject = form.get('Subject');
        const published = topics.publish(topicArn, {
          message: form.get('Message') ?? '',
          ...(subject !== null ? { subject } : {}),
          attributes: messageAttributes(form),
        });
        return xml(
          200,
          `<PublishResponse xmlns="${NAMESPACE}"><PublishResult><MessageId>${published.messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
        );
      }
      case 'ListTopics': {
        const members = topics
          .configs()
          .map((t) => `<member><TopicArn>${xmlEscape(t.arn)}</TopicArn></member>`)
          .join('');
        return xml(
          200,
          `<ListTopicsResponse xmlns="${NAMESPACE}"><ListTopicsResult><Topics>${members}</Topics></ListTopicsResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></ListTopicsResponse>`,
        );
      }
      default:
        throw new AwsServiceError(
          'InvalidAction',
          `The action ${action} is not supported by the local runtime`,
        );
    }
  } catch (error) {
    if (!(error instanceof AwsServiceError)) throw error;
    return xml(
      error.statusCode,
      `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  }
}

function messageAttributes(form: URLSearchParams): Record<string, MessageAttribute> {
  const attributes: Record<string, MessageAttribute> = {};
  for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i += 1) {
    const name = form.get(`MessageAttributes.entry.${i}.Name`) ?? '';
    const stringValue = form.get(`MessageAttributes.entry.${i}.Value.StringValue`);
    attributes[name] = {
      DataType: form.get(`MessageAttributes.entry.${i}.Value.DataType`) ?? 'String',
      ...(stringValue !== null ? { StringValue: stringValue } : {}),
    };
  }
  return attributes;
}

function xml(status: number, body: string): AwsResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<?xml version="1.0"?>\n${body}`,
  };
}
