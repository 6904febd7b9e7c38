export * from './auth.constants';
export * from './auth.env';
export * from './auth.module';
export * from './dto/auth.dto';
