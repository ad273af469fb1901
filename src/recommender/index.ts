/** Public API of the recommender core (pure, no I/O). */
export * from './types';
export {
  DEFAULT_WEIGHTING,
  buildDataset,
  interactionWeight,
  isExcludedFromRecommendations,
  isRelevant,
} from './dataset';
export type { CsrMatrix, Dataset, WeightingOptions } from './dataset';
export { fitEase, invertSpd, EaseModel } from './ease';
export { fitItemKnn, ItemKnnModel } from './item-knn';
export { fitCollaborative, neighborLists, DEFAULT_EASE_MAX_ITEMS } from './collaborative';
export type { CollaborativeModel, CollaborativeOptions } from './collaborative';
export { buildContentModel } from './content-based';
export { computePopularity, topPicks } from './popularity';
export type { Popularity, PopularItem, PopularityOptions } from './popularity';
export { DEFAULT_BLEND_WEIGHTS } from './blend';
export type { BlendSearchResult } from './blend';
export { trainRecommender, modelNeighborLists } from './model';
export type { TrainedRecommender, TrainOptions, ValidationReport } from './model';
export {
  recommendForUser,
  recommendAll,
  recommendForUserOnline,
  componentScoresFor,
  DEFAULT_LIST_LENGTH,
} from './recommend';
export type { OnlineOptions, RecommendOptions } from './recommend';
export { similarUsers } from './similar-users';
export type { SimilarUser, SimilarUsersOptions } from './similar-users';
export { buildItemEmbeddings, embeddingOf, nearestTitles, EMBEDDING_DIM } from './embeddings';
export type { ItemEmbeddings } from './embeddings';
export { splitPerUser } from './split';
export { ndcgAtK, precisionAtK, recallAtK, averagePrecisionAtK } from './metrics';
export { evaluate, formatEvaluationTable } from './evaluate';
export type { EvaluationReport, EvaluationRow } from './evaluate';
export { generateSynthetic } from './synthetic';
export type { SyntheticData, SyntheticOptions } from './synthetic';
