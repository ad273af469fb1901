import type { ContinueWatchingItemResolvers } from '../generated/graphql';
import { contentField } from './content-field';

export const ContinueWatchingItem: ContinueWatchingItemResolvers = {
  content: contentField,
};
