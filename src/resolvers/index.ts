import type { Resolvers } from '../generated/graphql';
import { Content } from './Content';
import { ContinueWatchingItem } from './ContinueWatchingItem';
import { Query } from './Query';
import { Recommendation } from './Recommendation';
import { RecommendationReason } from './RecommendationReason';
import { scalarResolvers } from './scalars';
import { ShelfItem } from './ShelfItem';
import { TopPick } from './TopPick';
import { User } from './User';
import { WatchEvent } from './WatchEvent';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query,
  User,
  Content,
  WatchEvent,
  ContinueWatchingItem,
  Recommendation,
  RecommendationReason,
  TopPick,
  ShelfItem,
};
