import type { TopPickResolvers } from '../generated/graphql';
import { contentField } from './content-field';

export const TopPick: TopPickResolvers = {
  content: contentField,
};
