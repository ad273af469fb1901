import type { ShelfItemResolvers } from '../generated/graphql';
import { contentField } from './content-field';

export const ShelfItem: ShelfItemResolvers = {
  content: contentField,
};
