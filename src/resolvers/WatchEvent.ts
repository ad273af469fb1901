import type { WatchEventResolvers } from '../generated/graphql';
import { contentField } from './content-field';

export const WatchEvent: WatchEventResolvers = {
  content: contentField,
};
