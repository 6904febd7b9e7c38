import { Global, Module } from '@nestjs/common';
import { PersonalDataExportController } from './personal-data-export.controller';
import { PersonalDataExports } from './personal-data-exports';

@Global()
@Module({
  controllers: [PersonalDataExportController],
  providers: [PersonalDataExports],
  exports: [PersonalDataExports],
})
export class PrivacyModule {}
